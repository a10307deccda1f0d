/**
 * Descriptions of files mchard refuses that take more than a name to tell, for detect.ts. Their own module,
 * in a lazily loaded group (scripts/build.mjs): only a refusal of such a file loads it.
 */

/**
 * What a `.rb` file is, for detect.ts's refusal, by its path and content (the first MiB). A Homebrew formula
 * (`class X < Formula`, or kept in a tap's Formula/): `brew install` writes a launchd plist and a systemd unit
 * (ExecStart= is the service block's `run` command) from its `service do` block into the keg (Homebrew's
 * FormulaInstaller#install_service; today homebrew.mxcl.NAME.plist and homebrew.NAME.service, names that are
 * Homebrew's to change, so the message names the folder and `brew services info --verbose`), and `brew
 * services start` installs the plist on macOS, the unit on Linux (~/Library/LaunchAgents, ~/.config/systemd/user,
 * or as root /Library/LaunchDaemons, /usr/lib/systemd/system); an older formula's `def plist` makes the plist
 * only. Chef's words only for a cookbook's folders, its metadata.rb, or Chef's `node[...]`, `default[...]`,
 * `include_recipe`.
 */
export function rubyFile(path: string, base: string, head: string): string {
  if (/^[ \t]*class[ \t]+[\w:]+[ \t]*<[ \t]*Formula\b/m.test(head) || /(^|\/)(Homebrew)?Formula\//.test(path)) {
    const unit = /^[ \t]*service[ \t]+do\b/m.test(head);
    const plist = /^[ \t]*def[ \t]+plist\b/m.test(head);
    return `a Homebrew formula (${
      unit
        ? `brew install writes a launchd plist and a systemd unit from its service block into $(brew --prefix ${base.slice(0, -3)}), and brew services starts the plist on macOS, the unit on Linux (brew services info --verbose ${base.slice(0, -3)} names the file); mchard reads that unit, not the plist`
        : plist
          ? 'brew install writes a launchd plist from its def plist, which mchard does not read'
          : 'no service block: brew services starts nothing of it'
    })`;
  }
  // A cookbook's folder says which part of it the file is; Chef's own words say a cookbook's Ruby elsewhere.
  const part = /(^|\/)(recipes|attributes|resources|providers|libraries)\/[^/]+$/.exec(path)?.[2];
  const chef = 'chef-client runs it and writes the files its resources name: lint those';
  if (part === 'attributes') return "a Chef cookbook's attributes (Ruby: node values its recipes and templates use; lint the files chef-client writes with them)";
  if (part === 'recipes') return `a Chef recipe (Ruby: ${chef})`;
  if (part) return `a Chef cookbook's custom resource or library (Ruby: ${chef})`;
  if (base === 'metadata.rb' && /^[ \t]*(maintainer|depends|supports|chef_version)\b/m.test(head)) return "a Chef cookbook's metadata (its name, version and dependencies)";
  if (/^[ \t]*((node|default|override|normal)(\.(default|override|normal))?\[|include_recipe\b)/m.test(head)) return `a Chef recipe or attributes (Ruby: ${chef})`;
  return 'Ruby code (the program that loads it runs it; mchard does not read Ruby)';
}

/**
 * A Kubernetes manifest none of whose images names memcached, when one image is a template's expression
 * (cloud-agnost/agnost-gitops' memcachedv1.0.yaml: image: {{registry.imageUrl}}, which its platform fills in
 * with docker.io/memcached:1.6.28): the file cannot tell what runs, so it is not "no container that runs
 * memcached". Null when no image is templated.
 */
export function templatedManifest(text: string, printable: (s: string) => string): string | null {
  const image = /^[ \t]*(?:-[ \t]+)?image:[ \t]*["']?([^"'\s#]*(\{\{|\$\{)[^"'#\n]*)/m.exec(text)?.[1];
  if (!image) return null;
  return `a template of a Kubernetes manifest (image ${printable(image.trim().slice(0, 60))}: what renders it decides the image, and so whether memcached runs; lint the rendered manifest)`;
}

/** What NixOS makes of a module or configuration that sets memcached's service: a systemd unit. */
const NIXOS = "a Nix expression (NixOS makes memcached's systemd unit from it: lint that unit, as systemctl cat memcached shows it)";

/**
 * What a `.nix` file is, by its name and content (the first MiB). Only a NixOS module or configuration
 * (`systemd.services`, `services.memcached`) becomes a systemd unit. devenv's modules and devenv.nix
 * (cachix/devenv's src/modules/services/memcached.nix: `processes.memcached.exec = "exec .../memcached
 * --port=... --listen=..."`) declare processes `devenv up` starts under its own process manager, with no
 * unit; a package expression (nixpkgs' memcached package.nix, `stdenv.mkDerivation`) builds memcached and
 * starts nothing.
 */
export function nixFile(base: string, head: string): string {
  if (base === 'devenv.nix' || /^[ \t]*processes(\.[\w"-]+)*[ \t]*=|^[ \t]*processes\.[\w"-]+/m.test(head)) {
    return "a devenv module or devenv.nix (Nix: devenv up starts the command of its processes under devenv's process manager, not as a systemd unit; mchard does not read it)";
  }
  if (/\b(systemd\.services|services\.memcached)\b/.test(head)) return NIXOS;
  if (/\b(mkDerivation|buildPythonPackage|buildGoModule|buildRustPackage)\b/.test(head)) return 'a Nix package expression (it builds a program and starts none; mchard does not read Nix)';
  return 'a Nix expression (mchard does not read Nix; a NixOS service of memcached is a systemd unit: lint that, as systemctl cat memcached shows it)';
}

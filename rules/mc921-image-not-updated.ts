import { defineRule, security } from '../src/engine/rule.js';

/** Bitnami's announcement of the catalog change (bitnami/containers#83267, also bitnami/charts#35164, 2025-07-16). */
const ANNOUNCEMENT = 'https://github.com/bitnami/containers/issues/83267';

export const rule = defineRule({
  id: 'MC921',
  slug: 'image-not-updated',
  severity: 'warning',
  // An image that gets no rebuilds keeps every vulnerability found after its last build, of memcached and
  // of its base system, with no fix to pull: medium (the vulnerabilities themselves are MC920's). A
  // bitnamisecure tag other than latest needs a subscription: a supply question more than a risk (low).
  risk: security(5.3, { info: 2.0 }),
  summary: 'the memcached image comes from a repository that no longer receives updates',
  since: '0.2.0',
  phase: 'dialect',
  dialects: ['compose', 'dockerfile', 'kubernetes', 'helm'],
  sources: [
    { kind: 'reference', title: 'Bitnami: Upcoming changes to the Bitnami catalog (effective August 28th, 2025)', url: ANNOUNCEMENT },
    { kind: 'reference', title: 'Bitnami charts: the same announcement', url: 'https://github.com/bitnami/charts/issues/35164' },
    { kind: 'reference', title: 'Bitnami: Bitnami content on AWS is being retired on June 10, 2026', url: 'https://github.com/bitnami/charts/issues/36537' },
  ],
  fix: null,
  docs: {
    what:
      "Reports a Bitnami memcached image from a place where it is no longer maintained for free, wherever the image is named: " +
      "Compose's `image:`, a Dockerfile's final `FROM`, a Kubernetes container's `image`, the Bitnami chart's " +
      "`image.registry/repository/tag` (with `global.imageRegistry`). Bitnami's catalog change, " +
      'effective August 28, 2025, moved every existing image, versioned tags included, from `docker.io/bitnami` to ' +
      '`docker.io/bitnamilegacy`, which Bitnami says gets no further updates or support, is meant only for temporary ' +
      'migration, and may be removed; the free hardened images in `docker.io/bitnamisecure` are published only under ' +
      'the `latest` tag and are meant for development; `public.ecr.aws/bitnami` was retired on June 10, 2026. So: ' +
      '`bitnamilegacy/memcached` (any tag) and `bitnami/memcached` (no longer served from Docker Hub: a host still running it runs ' +
      'a copy that gets no updates) are warnings; `public.ecr.aws/bitnami/memcached` is a warning; `bitnamisecure/memcached` with ' +
      'a tag other than `latest` is an info (that tag is not published for free).',
    why:
      "An image that gets no rebuilds keeps every memcached and operating-system vulnerability known after its last build, " +
      "whatever its tag says: neither memcached's own security fixes nor those of the Debian base image reach it " +
      '(see MC920 for the memcached releases), and a pull from a repository that is gone breaks the next deployment.',
    example: {
      dialect: 'compose',
      bad: 'services:\n  cache:\n    image: bitnamilegacy/memcached:1.6.39\n',
      good: 'services:\n  cache:\n    image: memcached:1.6.45\n    command: ["-U", "0"]\n',
    },
    fix: "None: move to a maintained image (the official `memcached` image, a Bitnami Secure Images subscription, or your own build) and set memcached's options for it.",
  },
  check(ctx) {
    const image = ctx.config.image;
    if (!image || image.info.family !== 'bitnami') return;
    const ref = image.info.ref.text;
    switch (image.info.channel) {
      case 'bitnamilegacy':
        ctx.report({
          span: image.span,
          message: `${ref} is from Bitnami's legacy repository, which receives no updates since Bitnami's catalog change of August 28, 2025 (${ANNOUNCEMENT}): move to a maintained memcached image`,
        });
        return;
      case 'bitnami':
        ctx.report({
          span: image.span,
          message: `${ref}: Bitnami moved its images out of docker.io/bitnami to the legacy repository bitnamilegacy, which receives no updates, from August 28, 2025 (${ANNOUNCEMENT}); this reference no longer pulls from Docker Hub, and a host still running it runs a copy that gets no updates`,
        });
        return;
      case 'ecr-public':
        ctx.report({ span: image.span, message: `${ref}: Bitnami's images on public.ecr.aws were retired on June 10, 2026; this reference no longer pulls, and no updates are published there` });
        return;
      case 'bitnamisecure':
        if (image.info.ref.tag !== null && image.info.ref.tag !== 'latest') {
          ctx.report({ span: image.span, severity: 'info', message: `${ref}: Bitnami publishes its free hardened images only under the latest tag, for development (${ANNOUNCEMENT}); this tag needs a Bitnami Secure Images subscription` });
        }
        return;
    }
  },
});

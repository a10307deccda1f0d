/**
 * GitHub's documented ingestion rules for SARIF ("SARIF support for code scanning", github/docs
 * content/code-security/reference/code-scanning/sarif-files/sarif-support.md, and the limits table of
 * "SARIF results exceed limit"), as a checker: what GitHub requires beyond the SARIF 2.1.0 schema.
 *
 * - sarifLog: `$schema`, `version` 2.1.0, `runs[]` (at most 20 runs a file).
 * - run: `tool.driver.name`, `tool.driver.rules[]` (at most 25,000), `results[]` (at most 25,000).
 * - reportingDescriptor: `id`; `shortDescription.text` and `fullDescription.text` (at most 1024
 *   characters each); `help.text`; `name` at most 255 characters; at most 20 tags; `security-severity`
 *   a string holding a number greater than 0.0 up to 10.0, on a rule whose tags include `security`;
 *   `defaultConfiguration.level` one of note, warning, error; `precision` one of very-high, high,
 *   medium, low.
 * - result: `message.text`; `locations[]` with at least one and at most 1000 locations, each with
 *   `physicalLocation.artifactLocation.uri` and a region with `startLine`, `startColumn`, `endLine`,
 *   `endColumn`; `partialFingerprints` (code scanning uses only `primaryLocationLineHash`); a `ruleId`
 *   that is the same across analyses (here: one of the driver's rules).
 * - "The empty string is not supported for required properties."
 */

export function githubIngestionProblems(log: any): string[] {
  const out: string[] = [];
  const req = (v: unknown, where: string) => {
    if (v === undefined || v === null || v === '') out.push(`${where} is required`);
  };
  req(log.$schema, '$schema');
  if (log.version !== '2.1.0') out.push('version must be 2.1.0');
  if (!Array.isArray(log.runs) || log.runs.length === 0) out.push('runs[] is required');
  else if (log.runs.length > 20) out.push('more than 20 runs');
  for (const [ri, run] of (log.runs ?? []).entries()) {
    const at = `runs[${ri}]`;
    const driver = run.tool?.driver;
    req(driver?.name, `${at}.tool.driver.name`);
    const rules: any[] = driver?.rules ?? [];
    if (!Array.isArray(driver?.rules)) out.push(`${at}.tool.driver.rules[] is required`);
    if (rules.length > 25_000) out.push(`${at}: more than 25,000 rules`);
    const ids = new Set<string>();
    for (const r of rules) {
      const w = `${at} rule ${r.id}`;
      req(r.id, `${w}.id`);
      ids.add(r.id);
      req(r.shortDescription?.text, `${w}.shortDescription.text`);
      req(r.fullDescription?.text, `${w}.fullDescription.text`);
      req(r.help?.text, `${w}.help.text`);
      if ((r.shortDescription?.text ?? '').length > 1024) out.push(`${w}.shortDescription.text longer than 1024`);
      if ((r.fullDescription?.text ?? '').length > 1024) out.push(`${w}.fullDescription.text longer than 1024`);
      if (r.name !== undefined && r.name.length > 255) out.push(`${w}.name longer than 255`);
      const level = r.defaultConfiguration?.level;
      if (level !== undefined && !['note', 'warning', 'error'].includes(level)) out.push(`${w}.defaultConfiguration.level ${level}`);
      const p = r.properties ?? {};
      const tags: string[] = p.tags ?? [];
      if (tags.length > 20) out.push(`${w}: more than 20 tags`);
      if (p.precision !== undefined && !['very-high', 'high', 'medium', 'low'].includes(p.precision)) out.push(`${w}.precision ${p.precision}`);
      const sev = p['security-severity'];
      if (sev !== undefined) {
        if (typeof sev !== 'string') out.push(`${w}: security-severity must be a string`);
        const n = Number(sev);
        if (!/^\d+(\.\d+)?$/.test(String(sev)) || !(n > 0 && n <= 10)) out.push(`${w}: security-severity ${sev} is not a number in (0, 10]`);
        if (!tags.includes('security')) out.push(`${w}: security-severity without the security tag`);
      }
    }
    const results: any[] = run.results;
    if (!Array.isArray(results)) {
      out.push(`${at}.results[] is required`);
      continue;
    }
    if (results.length > 25_000) out.push(`${at}: more than 25,000 results`);
    for (const [k, res] of results.entries()) {
      const w = `${at}.results[${k}]`;
      req(res.message?.text, `${w}.message.text`);
      if (res.ruleId !== undefined && !ids.has(res.ruleId)) out.push(`${w}.ruleId ${res.ruleId} names no rule of the run`);
      const locs: any[] = res.locations ?? [];
      if (locs.length < 1) out.push(`${w}.locations[] needs a location`);
      // The result table says "up to a maximum of 10", the limits table 1,000: the stricter one.
      if (locs.length > 10) out.push(`${w}: more than 10 locations`);
      for (const loc of locs) {
        const pl = loc.physicalLocation;
        req(pl?.artifactLocation?.uri, `${w}.physicalLocation.artifactLocation.uri`);
        for (const f of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
          if (!Number.isInteger(pl?.region?.[f]) || pl.region[f] < 1) out.push(`${w}.region.${f} must be a positive integer`);
        }
      }
      req(res.partialFingerprints?.primaryLocationLineHash, `${w}.partialFingerprints.primaryLocationLineHash`);
    }
  }
  return out;
}

/**
 * Whether a file's dialect describes a container (Compose, Dockerfile, Kubernetes, Helm): the only files
 * container-reach.ts answers for. That module is in dialects.js (scripts/build.mjs), which a lint of any
 * other file never loads: its callers in the core ask this first.
 */
export const describesContainer = (dialect: string): boolean => dialect === 'compose' || dialect === 'dockerfile' || dialect === 'kubernetes' || dialect === 'helm';

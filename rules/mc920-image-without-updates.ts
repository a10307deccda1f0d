import type { Rule } from '../src/engine/types.js';

/**
 * Bitnami's catalog change of August 28, 2025 (bitnami/containers#83267, bitnami/charts#35164): every
 * existing image, versioned tags included, moved from docker.io/bitnami to docker.io/bitnamilegacy, which
 * receives no updates; the free hardened images are docker.io/bitnamisecure, `latest` only.
 */
export const rule: Rule = {
  id: 'MC920',
  slug: 'image-without-updates',
  severity: 'warning',
  summary: 'memcached runs from a Bitnami image repository that receives no updates',
  fixable: null,
  docs: {
    what:
      "Reports a container image of memcached (Compose `image:`, a Kubernetes container's `image`, the Bitnami chart's " +
      '`image.registry/repository/tag`) from `docker.io/bitnamilegacy/memcached`, or from `docker.io/bitnami/memcached`, ' +
      "whose images Bitnami moved to `bitnamilegacy` on August 28, 2025, or from Bitnami's retired Amazon ECR Public mirror.",
    why:
      "Bitnami's legacy repository gets no further builds: neither memcached's own security fixes nor those of the Debian " +
      'base image reach it, whatever the tag says. A reference to `docker.io/bitnami/memcached` pulls only from a cache or ' +
      'a mirror that still holds it, with the same frozen content.',
    example: {
      dialect: 'kubernetes',
      bad: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: memcached\n      image: docker.io/bitnamilegacy/memcached:1.6.39-debian-12-r0\n',
      good: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: memcached\n      image: memcached:1.6.39\n',
    },
    fix:
      'None: choosing an image is a decision about support. Move to an image that is still built (the official `memcached` ' +
      "image, Bitnami's paid Secure Images, or your own build), and read its documentation: its options and user differ.",
    references: [
      "Bitnami: Upcoming changes to the Bitnami catalog (effective August 28th, 2025), https://github.com/bitnami/containers/issues/83267",
      'https://github.com/bitnami/charts/issues/35164',
    ],
  },
  check(ctx) {
    const image = ctx.config.image;
    if (!image || image.info.family !== 'bitnami') return;
    const ref = image.info.ref.text;
    switch (image.info.channel) {
      case 'bitnamilegacy':
        ctx.report({
          span: image.span,
          message: `image ${ref} is from Bitnami's legacy repository, which receives no updates since August 28, 2025: memcached's and the base image's security fixes never reach it`,
        });
        return;
      case 'bitnami':
        ctx.report({
          span: image.span,
          message: `image ${ref}: Bitnami moved its images, versioned tags included, from docker.io/bitnami to docker.io/bitnamilegacy on August 28, 2025, where they receive no updates; this reference pulls only from a cache or mirror that still holds it`,
        });
        return;
      case 'ecr-public':
        ctx.report({ span: image.span, message: `image ${ref} is from Bitnami's Amazon ECR Public mirror, which no longer publishes updates` });
        return;
      default:
        return;
    }
  },
};

// kubernetes-models and two of its dependencies ship ESM only (the "import" exports condition),
// which jest's CommonJS runtime cannot resolve. Resolve them with "import"; @swc/jest then turns
// them into CommonJS (see transformIgnorePatterns in .projenrc.ts).
const ESM_ONLY = /^(@kubernetes-models\/|kubernetes-models(\/|$)|is-cidr$|cidr-regex$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, ESM_ONLY.test(request) ? { ...options, conditions: ['import', 'default'] } : options);

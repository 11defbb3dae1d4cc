// Registered with module.register() by plain-pipeline.ts: the bare specifier `jsonld`, wherever
// an ES module imports it (@digitalbazaar/vc, the eddsa-rdfc-2022 cryptosuite), resolves to the
// unpatched copy whose entry file URL `initialize` is given. CommonJS requires of it
// (jsonld-signatures) are redirected in plain-pipeline.ts itself, since these hooks do not see
// them on Node 20.
let stockEntry;

export async function initialize(data) {
  stockEntry = data.entry;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'jsonld') return { url: stockEntry, format: 'commonjs', shortCircuit: true };
  return nextResolve(specifier, context);
}

// The import directions of DESIGN.md, checked by dependency-cruiser on the TypeScript sources (with
// type-only imports), so that an import against them fails `npm run check` instead of compiling.
// Tests (*.test.ts) and the core's test support (servers/core/testing.ts) are test code: they may
// reach anywhere a test needs, except cli/, so they are left out of the first rules.
const DESIGNS = '(blocking|process|thread|async|poll|epoll|uring)';
const TEST_CODE = ['\\.test\\.ts$', '^servers/core/testing\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-sans-io',
      comment: 'servers/core is the sans-I/O HTTP core: it imports nothing outside itself, not even node: modules.',
      severity: 'error',
      from: { path: '^servers/core/', pathNot: TEST_CODE },
      to: { pathNot: '^servers/core/' },
    },
    {
      name: 'designs-are-independent',
      comment: 'A design imports core, io and native, never another design.',
      severity: 'error',
      from: { path: `^servers/${DESIGNS}/` },
      to: { path: `^servers/${DESIGNS}/`, pathNot: '^servers/$1/' },
    },
    {
      name: 'servers-know-not-how-they-are-started',
      comment: 'servers/ holds the designs and their catalogue; starting them lives in targets/, composing in cli/.',
      severity: 'error',
      from: { path: '^servers/' },
      to: { path: '^(targets|cli)/' },
    },
    {
      name: 'instruments-talk-over-tcp',
      comment: 'conformance/, loadtest/ and ci/ judge any server over TCP: they never import servers/ or targets/.',
      severity: 'error',
      from: { path: '^(conformance|loadtest|ci)/' },
      to: { path: '^(servers|targets)/' },
    },
    {
      name: 'reports-render-the-model',
      comment: 'reports/ are renderers of the result model: they import reports/ and the model types and their pure helpers only.',
      severity: 'error',
      from: { path: '^reports/', pathNot: TEST_CODE },
      to: { pathNot: ['^reports/', '^(loadtest/(types|machine|old-warnings)|conformance/(types|summary)|ci/(model|metrics))\\.ts$', '^node_modules/'] },
    },
    {
      name: 'examples-stand-alone',
      comment: "examples/ are users' own services: they import nothing of http-lab.",
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: '^(api|cli|servers|targets|conformance|loadtest|system|reports|ci|bench|test)/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli/ is the composition root: nothing imports it, not even api/ (the programmatic API it renders).',
      severity: 'error',
      from: { pathNot: '^cli/' },
      to: { path: '^cli/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle ties modules into one: neither can be understood or replaced alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

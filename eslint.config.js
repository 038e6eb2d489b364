// Lint, including the process layering (VS Code's code-layering idea as no-restricted-imports):
//   src/shared   pure: no electron, node:*, execa, vue, pinia, echarts, main or renderer
//   src/renderer Vue: no electron, node:*, execa, main; only src/renderer/src/api touches window.netlens
//   src/main     node: no vue, pinia, echarts, renderer; only src/main/app-shell imports electron
//   src/preload  electron + src/shared only
// and the folder layers inside src/main and src/shared (netlens/folder-layers, scripts/eslint-folder-layers.js):
//   parsers are leaves; model and traffic never import sim; the snapshot builder imports no parser
//   (it reads sections through the section registry); nothing below service and cli imports
//   them; src/shared never imports main; the domain in src/shared never imports the API contract.
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import { folderLayers } from './scripts/eslint-folder-layers.js'

const nodeBuiltins = [
  'node:*',
  'fs', 'fs/promises', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'url', 'util', 'stream', 'events', 'process', 'readline', 'zlib', 'worker_threads', 'dns', 'tls', 'module'
]
const bareBuiltins = new Set(nodeBuiltins.filter((name) => name !== 'node:*'))
// Bare builtin names are matched as exact import paths: as gitignore-style patterns, 'net' would
// also forbid our own folder src/shared/net (`../net/ip`).
/** Repo folders, layer by layer: a file in `from` (and not in `except`) imports nothing in `deny` / only `allowOnly`. */
const mainFolder = (name) => `src/main/${name}`
const FOLDER_LAYERS = [
  {
    from: 'src/main/parsers',
    allowOnly: ['src/main/parsers', 'src/shared'],
    message: 'parsers are leaves: they import only other parsers and src/shared.'
  },
  {
    from: 'src/main/model',
    deny: ['sim', 'service', 'cli'].map(mainFolder),
    message: 'the model never imports sim, service or cli.'
  },
  {
    from: 'src/main/model/build-snapshot.ts',
    deny: [mainFolder('parsers')],
    denyExcept: ['src/main/parsers/types'],
    message:
      'the snapshot builder reads each section through its row of capture/section-registry.ts (CaptureReader.read), never a parser of its own; only parser types are imported here.'
  },
  {
    from: 'src/main/traffic',
    deny: ['sim', 'service', 'cli'].map(mainFolder),
    message: 'traffic never imports sim, service or cli.'
  },
  ...['capture', 'sources', 'hosts', 'packets', 'fleet', 'sim'].map((folder) => ({
    from: mainFolder(folder),
    deny: ['service', 'cli'].map(mainFolder),
    message: 'service and cli are the top of src/main: nothing below them imports them.'
  })),
  {
    from: 'src/shared',
    deny: ['src/main', 'src/renderer', 'src/preload'],
    message: 'src/shared never imports main, preload or renderer code.'
  },
  {
    from: 'src/shared',
    except: ['src/shared/api'],
    deny: ['src/shared/api'],
    message: 'domain types live beside their producers; only src/shared/api (which re-exports them) is the API contract.'
  }
]

const restrict = (groups, message) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: groups.filter((name) => bareBuiltins.has(name)).map((name) => ({ name, message })),
      patterns: [{ group: groups.filter((name) => !bareBuiltins.has(name)), message }]
    }
  ]
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-output/**', 'resources/**', 'docs/**', '**/*.d.ts.map'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['src/main/**/*.ts', 'src/shared/**/*.ts'],
    plugins: { netlens: { rules: { 'folder-layers': folderLayers } } },
    rules: { 'netlens/folder-layers': ['error', { layers: FOLDER_LAYERS }] }
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/no-v-html': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'No shell: pass argument arrays.' }
      ]
    }
  },
  {
    files: ['src/shared/**'],
    rules: restrict(
      [...nodeBuiltins, 'electron', 'electron/*', 'execa', 'vue', 'pinia', 'echarts', 'echarts/*', 'vue-echarts', '**/main/**', '**/renderer/**', '**/preload/**'],
      'src/shared is pure: no electron, node:*, execa, vue or echarts, and nothing from main, preload or renderer.'
    )
  },
  {
    files: ['src/renderer/**'],
    rules: {
      ...restrict(
        [...nodeBuiltins, 'electron', 'electron/*', 'execa', 'ws', '**/main/**', '**/preload/index*'],
        'The renderer reaches the backend through src/renderer/src/api only: no electron, node:* or main code.'
      ),
      'no-restricted-properties': ['error', { object: 'window', property: 'netlens', message: 'Use the api module.' }]
    }
  },
  {
    files: ['src/renderer/src/api/**'],
    rules: { 'no-restricted-properties': 'off' }
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/app-shell/**'],
    rules: restrict(
      ['electron', 'electron/*', 'vue', 'pinia', 'echarts', 'echarts/*', 'vue-echarts', '**/renderer/**'],
      'Only src/main/app-shell imports electron; main never imports renderer code.'
    )
  },
  {
    files: ['src/main/app-shell/**'],
    rules: restrict(['vue', 'pinia', 'echarts', '**/renderer/**'], 'main never imports renderer code.')
  },
  {
    files: ['src/preload/**'],
    rules: restrict(
      [...nodeBuiltins, 'execa', 'vue', '**/main/**', '**/renderer/**'],
      'The preload may import only electron and src/shared.'
    )
  }
)

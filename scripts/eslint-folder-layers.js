// ESLint rule `netlens/folder-layers`: the folder rules inside src/main and src/shared, in the spirit
// of VS Code's code-layering rule. Each relative import (static, `export … from`, `import()`,
// type-only ones included) is resolved to the repo folder it lands in and checked against the
// layers of the importing file's folder. Package imports are left to no-restricted-imports.
//
// Options: [{ layers: [{ from, except?, allowOnly?, deny?, message }] }], folders repo-relative
// ('src/main/parsers') or files ('src/main/model/build-snapshot.ts'); `allowOnly` lists the only
// folders a file in `from` may import, `deny` the folders it must not, `denyExcept` modules inside a
// denied folder that stay allowed (extensionless: 'src/main/parsers/types'). A file takes every
// layer whose `from` contains it and no `except` folder does.
import { dirname, relative, resolve, sep } from 'node:path'

const within = (path, folder) => path === folder || path.startsWith(`${folder}/`)

/** @type {import('eslint').Rule.RuleModule} */
export const folderLayers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports inside src/main and src/shared never run back up a folder layer.' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'string' },
                except: { type: 'array', items: { type: 'string' } },
                allowOnly: { type: 'array', items: { type: 'string' } },
                deny: { type: 'array', items: { type: 'string' } },
                denyExcept: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' }
              },
              required: ['from', 'message'],
              additionalProperties: false
            }
          }
        },
        required: ['layers'],
        additionalProperties: false
      }
    ],
    messages: { layer: '{{target}} is out of bounds here: {{message}}' }
  },
  create(context) {
    const { layers } = context.options[0]
    const repoPath = (absolute) => relative(context.cwd, absolute).split(sep).join('/')
    const file = repoPath(context.filename)
    const mine = layers.filter(
      (layer) => within(file, layer.from) && !(layer.except ?? []).some((folder) => within(file, folder))
    )
    if (mine.length === 0) return {}

    const check = (sourceNode) => {
      if (!sourceNode || sourceNode.type !== 'Literal' || typeof sourceNode.value !== 'string') return
      const spec = sourceNode.value
      if (!spec.startsWith('.')) return
      const target = repoPath(resolve(dirname(context.filename), spec))
      for (const layer of mine) {
        const allowed = layer.allowOnly ? layer.allowOnly.some((folder) => within(target, folder)) : true
        const denied =
          (layer.deny ?? []).some((folder) => within(target, folder)) &&
          !(layer.denyExcept ?? []).some((module) => within(target.replace(/\.[cm]?[jt]s$/, ''), module))
        if (!allowed || denied)
          context.report({ node: sourceNode, messageId: 'layer', data: { target, message: layer.message } })
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source)
    }
  }
}

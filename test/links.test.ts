// Every relative link of the front page and the docs resolves: the file exists and, with a
// `#anchor`, the target has that heading (GitHub's slugs) or explicit anchor.
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** The text outside fenced code blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchors of a Markdown file: heading slugs (duplicates numbered) and explicit ids/names. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  for (const [, id] of markdown.matchAll(/<a [^>]*(?:id|name)="([^"]+)"/g)) out.add(id);
  return out;
}

/** The targets of the relative inline and reference links of a page (not in code). */
function links(markdown: string): string[] {
  const text = withoutFences(markdown).replace(/`[^`\n]*`/g, '');
  const targets = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** The links of `markdown` (the text of `page`) that do not resolve, with why. */
function broken(page: string, markdown: string): string[] {
  const out: string[] = [];
  for (const link of links(markdown)) {
    const [file, anchor] = link.split('#', 2);
    const target = path.join(root, path.dirname(page), decodeURI(file));
    if (file && !fs.existsSync(target)) {
      out.push(`${link}: no such file`);
    } else if (anchor !== undefined && !anchors(file ? fs.readFileSync(target, 'utf8') : markdown).has(decodeURIComponent(anchor))) {
      out.push(`${link}: no such anchor`);
    }
  }
  return out;
}

describe('documentation links', () => {
  test.each(PAGES)('%s: every relative link resolves', (page) => {
    expect(broken(page, fs.readFileSync(path.join(root, page), 'utf8'))).toEqual([]);
  });

  test('links, anchors (GitHub slugs) and what is broken', () => {
    expect(links(fs.readFileSync(path.join(root, 'README.md'), 'utf8')))
      .toEqual(expect.arrayContaining(['docs/pipeline.md', 'docs/development.md#other-languages', 'docs/api/API.md']));
    expect(anchors('# In your pipeline\n## The CLI in CI\n## The CLI in CI\n```\n# not a heading\n```\n'))
      .toEqual(new Set(['in-your-pipeline', 'the-cli-in-ci', 'the-cli-in-ci-1']));
    expect(anchors('## Core Kubernetes schemas (`src/imports/k8s-schemas.ts`)')).toEqual(new Set(['core-kubernetes-schemas-srcimportsk8s-schemasts']));
    const page = '# Top\n[ok](#top) [here](pipeline.md#the-cli-in-ci) [web](https://example.com) `[code](nowhere.md)`\n'
      + '[gone](nowhere.md) [no anchor](pipeline.md#nowhere) [self](#bottom)\n';
    expect(broken('docs/page.md', page)).toEqual(['nowhere.md: no such file', 'pipeline.md#nowhere: no such anchor', '#bottom: no such anchor']);
  });

  test('the README stays a front page (under 10 KB)', () => {
    expect(fs.statSync(path.join(root, 'README.md')).size).toBeLessThan(10 * 1024);
  });
});

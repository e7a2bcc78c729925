// Markdown → {"frontMatter": {…}, "tables": [[{header: value}]], "sections": [{heading, level, content}]}
// (naftiko-semantics §3.6), as the reference converter reads it: `tables` are the document's top-level tables,
// `content` is the plain text of a section's blocks (tables left out), and the operation's `outputSchema`, when
// set, is a heading prefix that keeps only the sections whose heading starts with it.
import type { Token, Tokens } from 'marked';
import { yamlLib } from '../../load/yaml-lib.js';
import { markdownLibrary } from './lazy-library.js';

interface Section {
  heading: string;
  level: number;
  content: string;
}

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function compileMarkdown(headingPrefix: string | undefined): (text: string) => unknown {
  const lexerOptions = { gfm: true };
  const { Lexer } = markdownLibrary();
  return (text) => {
    const front = FRONT_MATTER.exec(text);
    const parsedFront: unknown = front ? yamlLib().parse(front[1]!) : undefined;
    const frontMatter = parsedFront && typeof parsedFront === 'object' && !Array.isArray(parsedFront) ? parsedFront : {};
    const tokens = new Lexer(lexerOptions).lex(front ? text.slice(front[0].length) : text);

    const sections: Section[] = [];
    const tables: Record<string, string>[][] = [];
    let current: { section: Section; blocks: string[] } | undefined;
    const close = () => {
      if (!current) return;
      current.section.content = current.blocks.join('\n').trim();
      if (headingPrefix === undefined || current.section.heading.startsWith(headingPrefix)) sections.push(current.section);
    };
    for (const token of tokens as Token[]) {
      if (token.type === 'heading') {
        close();
        const heading = token as Tokens.Heading;
        current = { section: { heading: plainText(heading.tokens).trim(), level: heading.depth, content: '' }, blocks: [] };
      } else if (token.type === 'table') {
        const table = readTable(token as Tokens.Table);
        if (table) tables.push(table);
      } else if (current) {
        const block = plainText([token]).trim();
        if (block !== '') current.blocks.push(block);
      }
    }
    close();
    return { frontMatter, tables, sections };
  };
}

/** The text of inline and block tokens without markup: soft line breaks become spaces, hard ones newlines. */
function plainText(tokens: readonly Token[] | undefined): string {
  let out = '';
  for (const token of tokens ?? []) {
    const t = token as Token & { tokens?: Token[]; items?: Tokens.ListItem[]; text?: string };
    if (t.type === 'br') out += '\n';
    else if (t.type === 'list') out += (t.items ?? []).map((item) => plainText(item.tokens)).join(' ');
    else if (t.tokens && t.tokens.length > 0) out += plainText(t.tokens);
    else if (t.type === 'space' || t.type === 'hr' || t.type === 'html') continue;
    else if (typeof t.text === 'string') out += t.text.replace(/\n/g, ' ');
  }
  return out;
}

function readTable(table: Tokens.Table): Record<string, string>[] | undefined {
  const headers = table.header.map((cell) => plainText(cell.tokens).trim());
  if (headers.every((h) => h === '')) return undefined;
  return table.rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, plainText(row[i]?.tokens).trim()])));
}

// Markdown → {"frontMatter": {…}, "tables": [[{header: value}]], "sections": [{heading, level, content}]}
// (naftiko-semantics §3.6). The operation's `outputSchema`, when set, is a heading prefix: only the sections whose
// heading starts with it, and the tables inside those sections, are kept.
import { Lexer, type Token, type Tokens } from 'marked';
import { parse as parseYaml } from 'yaml';

interface Section {
  heading: string;
  level: number;
  content: string;
}

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function compileMarkdown(headingPrefix: string | undefined): (text: string) => unknown {
  const lexerOptions = { gfm: true };
  return (text) => {
    const front = FRONT_MATTER.exec(text);
    const parsedFront: unknown = front ? parseYaml(front[1]!) : undefined;
    const frontMatter = parsedFront && typeof parsedFront === 'object' && !Array.isArray(parsedFront) ? parsedFront : {};
    const tokens = new Lexer(lexerOptions).lex(front ? text.slice(front[0].length) : text);

    const sections: Section[] = [];
    const tables: Record<string, string>[][] = [];
    let current: { section: Section; raw: string[] } | undefined;
    const kept = (s: Section | undefined) => headingPrefix === undefined || (s !== undefined && s.heading.startsWith(headingPrefix));
    const close = () => {
      if (current) current.section.content = current.raw.join('').trim();
    };
    for (const token of tokens as Token[]) {
      if (token.type === 'heading') {
        close();
        const heading = token as Tokens.Heading;
        current = { section: { heading: heading.text.trim(), level: heading.depth, content: '' }, raw: [] };
        if (kept(current.section)) sections.push(current.section);
        continue;
      }
      current?.raw.push(token.raw);
      if (token.type === 'table' && kept(current?.section)) tables.push(readTable(token as Tokens.Table));
    }
    close();
    return { frontMatter, tables, sections };
  };
}

function readTable(table: Tokens.Table): Record<string, string>[] {
  const headers = table.header.map((cell) => cell.text.trim());
  return table.rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i]?.text.trim() ?? ''])));
}

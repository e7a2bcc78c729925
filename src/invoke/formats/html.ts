// HTML → {"tables": [[{header: value}, …], …]} (naftiko-semantics §3.6). The operation's `outputSchema`, when set,
// is a CSS selector scoping which tables are read (a table itself or the tables inside each matching element).
import { parse, type HTMLElement } from 'node-html-parser';

export function compileHtml(selector: string | undefined): (text: string) => unknown {
  if (selector !== undefined) {
    // Fail at load time on a selector the engine cannot use, rather than on the first request.
    parse('<p></p>').querySelectorAll(selector);
  }
  return (text) => {
    const root = parse(text);
    const scopes = selector === undefined ? [root] : root.querySelectorAll(selector);
    const tables: HTMLElement[] = [];
    for (const scope of scopes) {
      const found = scope.tagName === 'TABLE' ? [scope] : scope.querySelectorAll('table');
      for (const table of found) if (!tables.includes(table)) tables.push(table);
    }
    return { tables: tables.map(readTable) };
  };
}

function readTable(table: HTMLElement): Record<string, string>[] {
  // Rows of this table only: a nested table's rows belong to that table.
  const rows = table.querySelectorAll('tr').filter((tr) => tr.closest('table') === table);
  if (rows.length === 0) return [];
  const cellsOf = (tr: HTMLElement) => tr.childNodes.filter((n): n is HTMLElement => n instanceof Object && 'tagName' in n && (n.tagName === 'TH' || n.tagName === 'TD'));
  const headerRow = rows.find((tr) => cellsOf(tr).some((c) => c.tagName === 'TH')) ?? rows[0]!;
  const headers = cellsOf(headerRow).map((c) => c.text.trim());
  return rows
    .filter((tr) => tr !== headerRow)
    .map((tr) => {
      const cells = cellsOf(tr);
      return Object.fromEntries(headers.map((h, i) => [h, cells[i]?.text.trim() ?? '']));
    })
    .filter((row) => Object.values(row).some((v) => v !== ''));
}

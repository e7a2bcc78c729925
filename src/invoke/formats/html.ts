// HTML → {"tables": [[{header: value}, …], …]} (naftiko-semantics §3.6). The operation's `outputSchema`, when set,
// is a CSS selector scoping which tables are read (a table itself or the tables inside each matching element).
import type { HTMLElement } from 'node-html-parser';
import { htmlLibrary } from './lazy-library.js';

export function compileHtml(selector: string | undefined): (text: string) => unknown {
  const { parse } = htmlLibrary();
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
    return { tables: tables.map(readTable).filter((t): t is Record<string, string>[] => t !== undefined) };
  };
}

// Like the reference: headers are the <th> cells of the first header row; a table without any is skipped; rows
// that hold a <th> or no <td> are not data. Only the table's own rows count (a nested table is read on its own).
function readTable(table: HTMLElement): Record<string, string>[] | undefined {
  const rows = table.querySelectorAll('tr').filter((tr) => tr.closest('table') === table);
  const cells = (tr: HTMLElement, tag: 'TH' | 'TD') => tr.childNodes.filter((n): n is HTMLElement => (n as HTMLElement).tagName === tag);
  const headerRow = rows.find((tr) => cells(tr, 'TH').length > 0);
  const headers = headerRow ? cells(headerRow, 'TH').map((c) => c.text.trim()) : [];
  if (headers.every((h) => h === '')) return undefined;
  return rows
    .filter((tr) => cells(tr, 'TH').length === 0 && cells(tr, 'TD').length > 0)
    .map((tr) => {
      const values = cells(tr, 'TD');
      return Object.fromEntries(headers.map((h, i) => [h, values[i]?.text.trim() ?? '']));
    });
}

// Converter details the sample files do not show: XML attributes and mixed text, quoted CSV fields, nested HTML
// tables, tables without <th>, and bad bytes. End-to-end tests: test/conformance/formats/.
import { describe, expect, it } from 'vitest';
import { compileBodyReader } from './index.js';

const read = (format: string, text: string, schema?: string, status = 200) => compileBodyReader(format, schema, 'samples')({ status, contentType: 'text/plain', text });

describe('formats', () => {
  it('xml: attributes become fields, text beside them goes under "", a single child stays an object', () => {
    expect(read('xml', '<fleet region="eu"><ship imo="1">Aurora</ship><port><name>Oslo</name></port></fleet>')).toEqual({
      region: 'eu',
      ship: { imo: '1', '': 'Aurora' },
      port: { name: 'Oslo' },
    });
    expect(read('xml', '<a><n>007</n><b>true</b></a>')).toEqual({ n: '007', b: 'true' });
  });

  it('csv: quoted fields keep commas and quotes; values stay strings', () => {
    expect(read('csv', 'id,name\n007,"Smith, ""Jo"""\n')).toEqual([{ id: '007', name: 'Smith, "Jo"' }]);
  });

  it('html: a table without <th> headers is skipped, as the reference does; nested tables are read on their own', () => {
    const html = '<div id="x"><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td><table><tr><th>C</th></tr><tr><td>2</td></tr></table></td></tr></table><table><tr><td>no</td></tr></table></div>';
    const out = read('html', html, '#x') as { tables: Record<string, string>[][] };
    expect(out.tables).toHaveLength(2);
    expect(out.tables[0]![0]!.A).toBe('1');
    expect(out.tables[1]).toEqual([{ C: '2' }]);
    expect(read('html', html, '#absent')).toEqual({ tables: [] });
  });

  it('markdown: without front matter, sections of every level', () => {
    expect(read('markdown', '# Title `v2`\nintro *here*\nnext line\n\n- one\n- two\n\n## Part\nbody text\n\n| a | b |\n|---|---|\n| 1 | **2** |\n')).toEqual({
      frontMatter: {},
      tables: [[{ a: '1', b: '2' }]],
      sections: [
        { heading: 'Title v2', level: 1, content: 'intro here next line\none two' },
        { heading: 'Part', level: 2, content: 'body text' },
      ],
    });
  });

  it('bad bytes are CAP_UPSTREAM_BODY_INVALID; in an error answer they are passed on as text', () => {
    expect(() => read('yaml', 'a: [1,')).toThrow(expect.objectContaining({ code: 'CAP_UPSTREAM_BODY_INVALID' }));
    expect(read('yaml', 'a: [1,', undefined, 500)).toBe('a: [1,');
    expect(read('csv', '')).toBeUndefined();
  });

  it('refuses unknown formats, binary formats without a readable schema file and unusable selectors at compile time', () => {
    expect(() => compileBodyReader('ini', undefined, 'samples')).toThrow(expect.objectContaining({ code: 'CAP_COMPILE' }));
    expect(() => compileBodyReader('avro', 'no-such-schema.avsc', 'samples', '/nonexistent')).toThrow(/cannot read the schema file no-such-schema\.avsc/);
    expect(() => compileBodyReader('html', 'table[', 'samples')).toThrow(/outputSchema "table\[" is not a CSS selector/);
  });
});

// XML → JSON as the reference's Jackson XmlMapper.readTree does (naftiko-semantics §3.6): the root element is
// dropped, repeated children become arrays, attributes become fields and every leaf stays a string.
import { xmlLibrary } from './lazy-library.js';

export function compileXml(): (text: string) => unknown {
  // One parser per operation, configured once; parse() keeps no state between documents.
  const { XMLParser } = xmlLibrary();
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    // Text beside attributes or children goes under "" (Jackson's name for it).
    textNodeName: '',
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    processEntities: true,
  });
  return (text) => {
    const tree = parser.parse(text, true) as Record<string, unknown>;
    const roots = Object.keys(tree);
    if (roots.length === 0) throw new Error('the document has no root element');
    const root = tree[roots[0]!];
    // An empty root (<root/>) is an empty object, as Jackson reads it.
    return root === '' ? {} : root;
  };
}

/**
 * A lexical upper estimate of how deeply a YAML or JSON text nests, computed without parsing.
 *
 * The `yaml` parser recurses once per level; past about a thousand levels Node can abort the whole
 * process (V8 runs out of stack while compiling a regular expression, which no `catch` sees), so
 * pathological input must be turned away before it reaches the parser.
 */
export function nestingDepth(text: string, limit: number): number {
  let max = 0;
  let flow = 0;
  // The same count blind to quotes: a stray quote must not hide real nesting from the estimate.
  let flowRaw = 0;
  const indents: number[] = [];
  let i = 0;
  while (i < text.length) {
    const lineEnd = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    let column = i;
    while (column < lineEnd && text.charCodeAt(column) === 32) column++;
    const first = text.charCodeAt(column);
    // Blank and comment lines do not open a level.
    if (column < lineEnd && first !== 35 /* # */ && first !== 13) {
      const indent = column - i;
      if (flow === 0) {
        while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
      // `- - - x` opens one level per dash on a single line.
      let dashes = 0;
      while (text.charCodeAt(column) === 45 /* - */ && (text.charCodeAt(column + 1) === 32 || column + 1 === lineEnd)) {
        dashes++;
        column += 2;
        while (text.charCodeAt(column) === 32) column++;
      }
      let quote = 0;
      for (let c = column; c < lineEnd; c++) {
        const code = text.charCodeAt(c);
        if (code === 91 || code === 123) flowRaw++;
        else if (code === 93 || code === 125) flowRaw = Math.max(0, flowRaw - 1);
        if (quote) {
          if (code === quote) quote = 0;
          continue;
        }
        if (code === 34 /* " */ || (code === 39 /* ' */ && /[\s[{,:]/.test(text[c - 1] ?? ' '))) quote = code;
        else if (code === 91 || code === 123) flow++;
        else if (code === 93 || code === 125) flow = Math.max(0, flow - 1);
        else if (code === 35 && text.charCodeAt(c - 1) === 32) break;
        const depth = indents.length + dashes + Math.max(flow, flowRaw);
        if (depth > max) max = depth;
      }
      const depth = indents.length + dashes + Math.max(flow, flowRaw);
      if (depth > max) max = depth;
      if (max > limit) return max;
    }
    i = lineEnd + 1;
  }
  return max;
}

// Finds where JSON text first goes wrong, as line and column (1-based). JSON.parse's own messages carry a
// position only for some errors and only on some Node versions, so a failed parse is re-scanned here.
// This is a validator only (it builds no values), used after JSON.parse has already failed.

export interface JsonSyntaxLocation {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

class SyntaxStop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function locateJsonSyntaxError(text: string): JsonSyntaxLocation | undefined {
  let at = 0;
  const fail = (reason: string): never => {
    throw new SyntaxStop(at, reason);
  };
  const describe = () => (at >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[at])}`);
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const expect = (char: string) => {
    if (text[at] !== char) fail(`expected "${char}" but found ${describe().replace('unexpected ', '')}`);
    at++;
  };
  const string = () => {
    expect('"');
    while (at < text.length && text[at] !== '"') {
      if (text.charCodeAt(at) < 0x20) fail('a line break or control character inside a string');
      if (text[at] === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail('bad \\u escape in a string');
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? '')) fail('bad escape in a string');
      }
      at++;
    }
    if (at >= text.length) fail('a string is not closed');
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail(describe());
    at += match![0].length;
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at++;
      skipSpace();
      if (text[at] === '}') return void at++;
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail(`expected a quoted key but found ${describe().replace('unexpected ', '')}`);
        string();
        skipSpace();
        expect(':');
        value();
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') return void at++;
        else fail(`expected "," or "}" but found ${describe().replace('unexpected ', '')}`);
      }
    }
    if (char === '[') {
      at++;
      skipSpace();
      if (text[at] === ']') return void at++;
      for (;;) {
        value();
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === ']') return void at++;
        else fail(`expected "," or "]" but found ${describe().replace('unexpected ', '')}`);
      }
    }
    if (char === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) return void (at += word.length);
    }
    if (char === '-' || (char >= '0' && char <= '9')) return number();
    fail(describe());
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail(`extra text after the JSON value: ${describe()}`);
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    return { offset: error.offset, line, column, reason: error.reason };
  }
}

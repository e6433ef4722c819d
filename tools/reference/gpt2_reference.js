#!/usr/bin/env node
// Expected GPT-2 token ids from the reference JavaScript encoder of npm gpt-3-encoder@1.1.4
// (a port of OpenAI's gpt-2 encoder.py), used as ground truth for papers4j's BPE tokenizer.
//
// Usage:
//   npm pack gpt-3-encoder@1.1.4 && tar xzf gpt-3-encoder-1.1.4.tgz   # gives ./package
//   node tools/reference/gpt2_reference.js ./package > core/src/test/resources/tokenize/gpt2-reference.json
const path = require('path');
const { encode, decode } = require(path.resolve(process.argv[2], 'Encoder.js'));

const texts = [
  '',
  'a',
  ' ',
  '\n',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog.',
  "I'm sure they'll say we've done what he'd do; it's theirs and you're right. DON'T 'quote'",
  '  leading spaces and   multiple    spaces\n\n\nnewlines\t\ttabs   ',
  '    ',
  'trailing space ',
  '1234567890 3.14159 1,000,000 2024-03-27 v2.0.1 100%',
  'naïve café résumé — Zürich, São Paulo, Ελληνικά, Русский текст',
  '日本語のテキスト、中文文本。한국어 텍스트',
  'Emoji: 😀👍🏽🚀 family 👨‍👩‍👧‍👦 flags 🇺🇸 ❤️',
  'In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void.',
  'def f(x):\n    return x ** 2  # square\n',
  'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n',
  'non-breaking\u00a0space, ideographic\u3000space, zero\u200bwidth',
  '<|endoftext|> is plain text to this encoder',
  'https://example.com/path?query=1&b=2#frag',
  'Supercalifragilisticexpialidocious antidisestablishmentarianism',
  '!!!??? ... --- *** ((()))',
  'ﬁne ligatures and combining e\u0301 accents',
];
const out = texts.map((text) => {
  const ids = encode(text);
  if (decode(ids) !== text) throw new Error('reference does not round-trip: ' + JSON.stringify(text));
  return { text, ids };
});
process.stdout.write(JSON.stringify({ source: 'npm gpt-3-encoder@1.1.4 Encoder.js', cases: out }, null, 1) + '\n');

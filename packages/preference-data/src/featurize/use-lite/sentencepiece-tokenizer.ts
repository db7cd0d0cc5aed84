/**
 * @license
 * Copyright 2019 Google LLC. All Rights Reserved.
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except
 * in compliance with the License. You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software distributed under the
 * License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.
 *
 * A TypeScript port of `Tokenizer` and `Trie` from @tensorflow-models/universal-sentence-encoder
 * 1.3.3 (dist/tokenizer), the tokenizer USE-lite's TF.js graph was published with. Ported rather
 * than imported: that package declares tfjs-core ^3.6 as a peer, so a plain `npm install` next to
 * tfjs 4.22 hoists a second tfjs-core (3.21) to the top of node_modules, and importing the
 * tokenizer loads it, which prints "Platform node has already been set" and swaps the platform of
 * the running tfjs. The port keeps the original's behaviour exactly, quirks included (ties go to
 * the later start, a best score of 0 counts as unset, the backward pass steps by a piece's UTF-16
 * length); test/use-lite-tokenizer.test.ts checks it id for id against the package.
 */

/** A SentencePiece vocabulary: [piece, log-probability], the index being the id (USE-lite's has a few null scores, read as 0). */
export type SentencePieceVocabulary = readonly (readonly [string, number | null])[];

/** SentencePiece's word-boundary symbol, U+2581. */
const SEPARATOR = '\u2581';
/** Ids below this are unk and control symbols, never matched. */
const RESERVED_SYMBOLS_COUNT = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  end: boolean;
  /** Symbols (code points) of the piece that ends here, its score and id. */
  symbols: string[];
  score: number;
  index: number;
}

interface Match {
  length: number;
  score: number;
  index: number;
}

const newNode = (symbols: string[]): TrieNode => ({ children: new Map(), end: false, symbols, score: 0, index: 0 });

/** NFKC, then a leading separator and every space replaced by one (SentencePiece's normalisation). */
function normalize(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
}

/** Viterbi segmentation into the vocabulary's pieces: SentencePiece's `EncodeAsIds`. */
export class SentencePieceTokenizer {
  private readonly root = newNode([]);

  constructor(private readonly vocabulary: SentencePieceVocabulary) {
    for (let i = RESERVED_SYMBOLS_COUNT; i < vocabulary.length; i++) this.insert(vocabulary[i]![0], vocabulary[i]![1] ?? 0, i);
  }

  encode(text: string): number[] {
    const symbols = [...normalize(text)];
    const n = symbols.length;
    // byEnd[end] lists the pieces ending at `end`, grouped by start in increasing order.
    const byEnd: Map<number, Match[]>[] = Array.from({ length: n + 1 }, () => new Map());
    for (let start = 0; start < n; start++) {
      for (const match of this.prefixMatches(symbols, start)) {
        const end = start + match.length;
        const list = byEnd[end]!.get(start);
        if (list) list.push(match);
        else byEnd[end]!.set(start, [match]);
      }
    }
    const best = new Array<number>(n + 1).fill(0);
    const words = new Array<number>(n + 1).fill(0);
    for (let end = 0; end <= n; end++) {
      for (const start of [...byEnd[end]!.keys()].sort((a, b) => a - b)) {
        for (const match of byEnd[end]!.get(start)!) {
          const score = match.score + best[end - match.length]!;
          if (best[end] === 0 || score >= best[end]!) {
            best[end] = score;
            words[end] = match.index;
          }
        }
      }
    }
    const ids: number[] = [];
    for (let at = n; at > 0; at -= this.vocabulary[words[at]!]![0].length) ids.push(words[at]!);
    const merged: number[] = [];
    let previousUnknown = false;
    for (const id of ids) {
      if (!(previousUnknown && id === 0)) merged.push(id);
      previousUnknown = id === 0;
    }
    return merged.reverse();
  }

  private insert(piece: string, score: number, index: number): void {
    let node = this.root;
    const symbols = [...piece];
    symbols.forEach((symbol, i) => {
      let child = node.children.get(symbol);
      if (!child) {
        child = newNode([...node.symbols, symbol]);
        node.children.set(symbol, child);
      }
      node = child;
      if (i === symbols.length - 1) {
        node.end = true;
        node.score = score;
        node.index = index;
      }
    });
  }

  /** Every piece that starts at `start`; an unknown symbol alone (id 0, score 0) when none does. */
  private prefixMatches(symbols: readonly string[], start: number): Match[] {
    const output: Match[] = [];
    let node = this.root.children.get(symbols[start]!);
    for (let i = start; i < symbols.length && node; i++) {
      if (node.end) output.push({ length: node.symbols.length, score: node.score, index: node.index });
      node = i + 1 < symbols.length ? node.children.get(symbols[i + 1]!) : undefined;
    }
    if (output.length === 0) output.push({ length: 1, score: 0, index: 0 });
    return output;
  }
}

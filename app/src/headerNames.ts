/**
 * A set of header names, matched in any case. A name of a length none of them has is not even
 * lower-cased: on the paths that look a few names up in every request's or response's headers,
 * most names are ruled out by their length alone.
 */
export class HeaderNames {
  readonly #names: ReadonlySet<string>;
  readonly #lengths: ReadonlySet<number>;

  constructor(names: Iterable<string>) {
    const lowerCase = [...names].map((name) => name.toLowerCase());
    this.#names = new Set(lowerCase);
    this.#lengths = new Set(lowerCase.map((name) => name.length));
  }

  /** `name` in lower case when it is one of these, in any case; undefined otherwise. */
  match(name: string): string | undefined {
    if (!this.#lengths.has(name.length)) return undefined;
    const lowerCase = name.toLowerCase();
    return this.#names.has(lowerCase) ? lowerCase : undefined;
  }
}

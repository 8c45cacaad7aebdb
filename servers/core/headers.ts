// Received header fields: names lower-cased once at parse time, values as latin1 strings with OWS
// trimmed. Field order is kept (RFC 9110 §5.3: "the order in which field lines with the same name
// are received is ... significant").

export class FieldList {
  readonly names: string[] = [];
  readonly values: string[] = [];

  add(lowerName: string, value: string): void {
    this.names.push(lowerName);
    this.values.push(value);
  }

  get size(): number {
    return this.names.length;
  }

  /** the first value of a field, or undefined */
  get(lowerName: string): string | undefined {
    const i = this.names.indexOf(lowerName);
    return i < 0 ? undefined : this.values[i];
  }

  /** every value of a field, in order */
  getAll(lowerName: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === lowerName) out.push(this.values[i]!);
    return out;
  }

  count(lowerName: string): number {
    let n = 0;
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === lowerName) n++;
    return n;
  }

  /** The combined value of a list-based field. RFC 9110 §5.3: "A recipient MAY combine multiple
   * field lines within a field section that have the same field name into one field line ... by
   * appending each subsequent field line value to the initial field line value in order, separated
   * by a comma". */
  combined(lowerName: string): string | undefined {
    const all = this.getAll(lowerName);
    return all.length === 0 ? undefined : all.join(', ');
  }
}

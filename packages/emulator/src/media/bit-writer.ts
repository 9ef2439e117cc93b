/**
 * Growable bit writers. Two bit orders are needed: H.264 and JPEG pack bits most-significant first
 * (ITU-T H.264 7.2 "read_bits", ITU-T T.81 F.1.2.3), WebP lossless packs them least-significant first
 * (RFC 9649 3.3 "ReadBits"). Values are written at most 24 bits at a time so the accumulator never
 * overflows a 32-bit integer; wider fields are split by the caller (or by `u32`).
 */

class ByteBuffer {
  buf = new Uint8Array(1024);
  pos = 0;

  /** Makes room for `extra` more bytes, doubling so that appends stay amortised O(1). */
  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  pushByte(b: number): void {
    if (this.pos === this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }
}

/** Most-significant-bit-first writer, with Exp-Golomb codes (ITU-T H.264 9.1) and optional JPEG 0xFF stuffing. */
export class MsbBitWriter extends ByteBuffer {
  private acc = 0;
  private nbits = 0;

  /**
   * @param stuffFF JPEG entropy-coded segments must follow every 0xFF byte with 0x00 (ITU-T T.81
   *   F.1.2.3) so that it cannot be mistaken for a marker.
   */
  constructor(private readonly stuffFF = false) {
    super();
  }

  /** Writes the low `n` bits (0..24) of `value`, most significant first. */
  u(n: number, value: number): void {
    if (n === 0) return;
    this.acc = (this.acc << n) | (value & ((1 << n) - 1));
    this.nbits += n;
    while (this.nbits >= 8) {
      this.nbits -= 8;
      const byte = (this.acc >>> this.nbits) & 255;
      this.pushByte(byte);
      if (this.stuffFF && byte === 0xff) this.pushByte(0);
    }
    this.acc &= (1 << this.nbits) - 1;
  }

  /** A 32-bit unsigned field. */
  u32(value: number): void {
    this.u(16, (value >>> 16) & 0xffff);
    this.u(16, value & 0xffff);
  }

  /** One bit. */
  flag(on: boolean): void {
    this.u(1, on ? 1 : 0);
  }

  /** ue(v): unsigned Exp-Golomb (ITU-T H.264 9.1). */
  ue(value: number): void {
    const v = value + 1;
    const len = 32 - Math.clz32(v);
    this.u(len - 1, 0);
    this.u(len, v);
  }

  /** se(v): signed Exp-Golomb, mapped as in ITU-T H.264 9.1.1 (k > 0 -> 2k - 1, k <= 0 -> -2k). */
  se(value: number): void {
    this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  get byteAligned(): boolean {
    return this.nbits === 0;
  }

  /** Zero bits up to the next byte boundary (e.g. H.264 pcm_alignment_zero_bit). */
  alignZero(): void {
    if (this.nbits > 0) this.u(8 - this.nbits, 0);
  }

  /** One bits up to the next byte boundary (JPEG pads the last entropy-coded byte with ones, T.81 F.1.2.3). */
  alignOnes(): void {
    if (this.nbits > 0) this.u(8 - this.nbits, 0xff);
  }

  /** rbsp_trailing_bits(): a stop bit then zero alignment (ITU-T H.264 7.3.2.11). */
  trailingBits(): void {
    this.u(1, 1);
    this.alignZero();
  }

  /**
   * Reserves `n` raw bytes at a byte boundary and returns their offset in `buf`, for bulk copies
   * (H.264 I_PCM samples) that would be slow bit by bit. Read `buf` after calling: it may be reallocated.
   */
  reserve(n: number): number {
    if (this.nbits !== 0) throw new Error('reserve() needs a byte-aligned writer');
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** The bytes written so far (the writer must be byte-aligned). */
  bytes(): Uint8Array {
    if (this.nbits !== 0) throw new Error('bit writer is not byte-aligned');
    return this.buf.subarray(0, this.pos);
  }
}

/** Least-significant-bit-first writer, the bit order of WebP lossless (RFC 9649 3.3). */
export class LsbBitWriter extends ByteBuffer {
  private acc = 0;
  private nbits = 0;

  /** Writes the low `n` bits (0..24) of `value`, least significant first. */
  bits(n: number, value: number): void {
    if (n === 0) return;
    this.acc |= (value & ((1 << n) - 1)) << this.nbits;
    this.nbits += n;
    while (this.nbits >= 8) {
      this.pushByte(this.acc & 255);
      this.acc >>>= 8;
      this.nbits -= 8;
    }
  }

  /** Flushes the last partial byte (zero padded) and returns everything written. */
  finish(): Uint8Array {
    if (this.nbits > 0) {
      this.pushByte(this.acc & 255);
      this.acc = 0;
      this.nbits = 0;
    }
    return this.buf.subarray(0, this.pos);
  }
}

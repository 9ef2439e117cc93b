// Unit tests of the building blocks. The media.test.ts and chromium.test.ts files check the real
// output with ffmpeg and a browser; these pin down the parts that are easy to get subtly wrong.
import { describe, expect, it } from 'vitest';
import { LsbBitWriter, MsbBitWriter } from './bit-writer.js';
import { GLYPH_SIZE, glyphRows } from './bitmap-font.js';
import { chooseLevel, escapeNal, nalUnit, PcmH264Encoder } from './h264.js';
import { MEDIA_TYPES, renderThumbnail, renderVideo, spritesheetGrid } from './index.js';
import { AC_CHROMA, AC_LUMA, DC_CHROMA, DC_LUMA, ZIGZAG } from './jpeg.js';
import { createYuv420, Raster, rgbToYuv420, wrapText } from './raster.js';
import { layoutScene } from './scene.js';

const bits = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');

describe('MsbBitWriter', () => {
  it('writes Exp-Golomb codes as in ITU-T H.264 Table 9-2', () => {
    const w = new MsbBitWriter();
    for (const v of [0, 1, 2, 3, 7, 25, 30]) w.ue(v);
    w.se(1);
    w.se(-1);
    w.se(0);
    w.trailingBits();
    const expected = [
      '1',
      '010',
      '011',
      '00100',
      '0001000',
      '000011010',
      '000011111',
      '010', // se(1) = ue(1)
      '011', // se(-1) = ue(2)
      '1', // se(0) = ue(0)
      '1', // stop bit
    ].join('');
    expect(bits(w.bytes())).toBe(expected.padEnd(Math.ceil(expected.length / 8) * 8, '0'));
  });

  it('stuffs a zero byte after 0xFF when asked (JPEG)', () => {
    const w = new MsbBitWriter(true);
    w.u(8, 0xff);
    w.u(4, 0xf);
    w.alignOnes();
    expect([...w.bytes()]).toEqual([0xff, 0x00, 0xff, 0x00]);
  });

  it('grows past its initial buffer', () => {
    const w = new MsbBitWriter();
    for (let i = 0; i < 5000; i++) w.u(8, i & 255);
    expect(w.bytes().length).toBe(5000);
    expect(w.bytes()[4999]).toBe(4999 & 255);
  });
});

describe('LsbBitWriter', () => {
  it('packs least significant bit first (RFC 9649 3.3)', () => {
    const w = new LsbBitWriter();
    w.bits(1, 1);
    w.bits(2, 2);
    w.bits(5, 0x1f);
    w.bits(14, 0x1234);
    expect([...w.finish()]).toEqual([0b1111_1101, 0x34, 0x12 & 0x3f]);
  });
});

describe('H.264 building blocks', () => {
  it('inserts emulation prevention bytes (7.4.1)', () => {
    const rbsp = Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0x80);
    expect([...nalUnit(3, 5, rbsp)]).toEqual([
      0x65, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4, 0x80,
    ]);
    expect([...nalUnit(2, 1, Uint8Array.of(1, 2, 0x80))]).toEqual([0x41, 1, 2, 0x80]);
  });

  it('escapes exactly like the byte-by-byte definition, on random data rich in zeros', () => {
    const reference = (nal: Uint8Array) => {
      const out = [nal[0] as number];
      let zeros = 0;
      for (const b of nal.subarray(1)) {
        if (zeros >= 2 && b <= 3) {
          out.push(3);
          zeros = 0;
        }
        out.push(b);
        zeros = b === 0 ? zeros + 1 : 0;
      }
      return out;
    };
    let seed = 1;
    for (let round = 0; round < 300; round++) {
      const nal = new Uint8Array(1 + (round % 40));
      nal[0] = 0x65;
      for (let i = 1; i < nal.length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        nal[i] = [0, 0, 0, 1, 2, 3, 4, 0x80][(seed >>> 16) & 7] as number;
      }
      expect([...escapeNal(nal)]).toEqual(reference(nal));
    }
  });

  it('picks the lowest level that admits the frame size and rate (Table A-1)', () => {
    expect(chooseLevel(45, 80, 24)).toBe(31); // 720x1280
    expect(chooseLevel(80, 45, 24)).toBe(31); // 1280x720
    expect(chooseLevel(64, 112, 24)).toBe(40); // 1024x1792
    expect(chooseLevel(112, 64, 24)).toBe(40); // 1792x1024
    expect(chooseLevel(120, 68, 30)).toBe(40); // 1920x1088
    expect(chooseLevel(120, 68, 60)).toBe(42);
    expect(chooseLevel(11, 9, 15)).toBe(10); // QCIF
    expect(() => chooseLevel(1000, 1000, 24)).toThrow(RangeError);
  });

  it('describes itself with an RFC 6381 codec string', () => {
    expect(new PcmH264Encoder(720, 1280, 24).codecString).toBe('avc1.42C01F');
    expect(new PcmH264Encoder(1792, 1024, 24).codecString).toBe('avc1.42C028');
  });

  it('pads to whole macroblocks and rejects odd sizes', () => {
    const e = new PcmH264Encoder(200, 120, 24);
    expect([e.codedWidth, e.codedHeight]).toEqual([208, 128]);
    expect(() => new PcmH264Encoder(201, 120, 24)).toThrow(RangeError);
  });

  it('codes an unchanged P picture as one mb_skip_run, and a changed macroblock as ~384 bytes', () => {
    const e = new PcmH264Encoder(64, 32, 24);
    const planes = createYuv420(64, 32);
    planes.y.fill(100);
    planes.cb.fill(128);
    planes.cr.fill(128);
    const idr = e.idr(planes);
    expect(idr.length).toBeGreaterThan(8 * 386);
    expect(e.inter(planes, []).length).toBeLessThan(12);
    const p = e.inter(planes, [3, 6]);
    expect(p.length).toBeGreaterThan(2 * 384);
    expect(p.length).toBeLessThan(2 * 384 + 20);
    expect(() => e.inter(planes, [6, 3])).toThrow(RangeError);
  });
});

describe('JPEG tables', () => {
  it('zig-zag is a permutation that walks the anti-diagonals', () => {
    expect([...ZIGZAG].sort((a, b) => a - b)).toEqual([...Array(64).keys()]);
    for (let k = 1; k < 64; k++) {
      const d = (i: number) => (i >> 3) + (i & 7);
      expect(d(ZIGZAG[k] as number)).toBeGreaterThanOrEqual(d(ZIGZAG[k - 1] as number));
    }
  });

  it('Huffman tables hold every symbol the encoder can emit', () => {
    const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
    for (const t of [DC_LUMA, DC_CHROMA]) {
      expect(sum(t.bits)).toBe(12);
      expect([...t.values].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    }
    const acSymbols = [0x00, 0xf0];
    for (let run = 0; run < 16; run++)
      for (let size = 1; size <= 10; size++) acSymbols.push((run << 4) | size);
    for (const t of [AC_LUMA, AC_CHROMA]) {
      expect(sum(t.bits)).toBe(162);
      expect([...t.values].sort((a, b) => a - b)).toEqual(acSymbols.sort((a, b) => a - b));
    }
  });
});

describe('raster', () => {
  it('has the 8x8 font', () => {
    expect([...glyphRows('A'.charCodeAt(0))]).toEqual([0x0c, 0x1e, 0x33, 0x33, 0x3f, 0x33, 0x33, 0x00]);
    expect(glyphRows(0x20).every((b) => b === 0)).toBe(true);
  });

  it('word-wraps, keeps hard breaks and splits words longer than a line', () => {
    expect(wrapText('a calico cat plays', 8)).toEqual(['a calico', 'cat', 'plays']);
    expect(wrapText('one\ntwo three', 9)).toEqual(['one', 'two three']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('draws scaled glyphs pixel-exactly', () => {
    const r = new Raster(16, 16);
    r.drawText('A', 0, 0, 2, 0xffffff);
    // Row 0 of 'A' is 0x0c: columns 2 and 3 are set, so pixels 4..7 at scale 2.
    const row0 = [...Array(16).keys()].map((x) => (r.get(x, 0) ? 1 : 0)).join('');
    expect(row0).toBe('0000111100000000');
    expect(r.get(4, 1)).toBe(0xffffff);
    expect(GLYPH_SIZE).toBe(8);
  });

  it('converts to BT.601 limited range', () => {
    const r = new Raster(2, 2);
    const planes = createYuv420(2, 2);
    for (const [rgb, y, cb, cr] of [
      [0x000000, 16, 128, 128],
      [0xffffff, 235, 128, 128],
      [0xff0000, 82, 90, 240],
      [0x0000ff, 41, 240, 110],
    ] as const) {
      r.fillRect(0, 0, 2, 2, rgb);
      rgbToYuv420(r, 0, 0, 2, 2, planes, 0, 0);
      expect([planes.y[0], planes.cb[0], planes.cr[0]]).toEqual([y, cb, cr]);
    }
  });
});

describe('scene and API', () => {
  it('keeps the animated parts on the macroblock grid at video sizes', () => {
    for (const [w, h] of [
      [720, 1280],
      [1280, 720],
      [1024, 1792],
      [1792, 1024],
    ] as const) {
      const l = layoutScene(w, h, 'video_123\nhello', 8);
      expect(l.band.y % 16).toBe(0);
      expect(l.band.h).toBe(16);
      expect(l.time.y % 16).toBe(0);
      expect(l.time.x % 16).toBe(0);
      expect((8 * l.time.scale) % 16).toBe(0);
      expect(l.band.y + l.band.h).toBeLessThanOrEqual(h);
      expect(l.blocks.length).toBe(2);
    }
  });

  it('truncates a prompt too long to fit', () => {
    const l = layoutScene(720, 1280, `video_1\n${'word '.repeat(5000)}`, 4);
    const body = l.blocks[1];
    expect(body?.scale).toBe(2);
    expect(body?.lines.at(-1)?.endsWith('...')).toBe(true);
  });

  it('is deterministic and validates its input', () => {
    const a = renderVideo({ width: 64, height: 48, seconds: 1, label: 'x' });
    const b = renderVideo({ width: 64, height: 48, seconds: 1, label: 'x' });
    expect(a).toEqual(b);
    expect(() => renderVideo({ width: 65, height: 48, seconds: 1, label: 'x' })).toThrow(RangeError);
    expect(() => renderVideo({ width: 64, height: 48, seconds: 0, label: 'x' })).toThrow(RangeError);
    expect(() => renderVideo({ width: 64, height: 48, seconds: 1, label: 'x', fps: 0 })).toThrow(RangeError);
    expect(() => renderThumbnail({ width: 8, height: 48, label: 'x' })).toThrow(RangeError);
  });

  it('lays spritesheets out one tile per second, four per row', () => {
    expect(spritesheetGrid(1792, 1024, 12)).toMatchObject({
      tileWidth: 256,
      tileHeight: 146,
      columns: 4,
      rows: 3,
    });
    expect(spritesheetGrid(720, 1280, 4)).toMatchObject({
      tileWidth: 144,
      tileHeight: 256,
      columns: 4,
      rows: 1,
    });
    expect(spritesheetGrid(720, 1280, 8)).toMatchObject({ width: 576, height: 512 });
  });

  it('keeps the largest 12 s video small: one I_PCM frame, then tiny P frames', () => {
    // Render times are figures of `pnpm bench` (bench/bench.mjs), not assertions of a test.
    const label = `video_68d2f1a7c5e08190b1f8a3b0c7e6d5f4\n${'A calico cat playing a grand piano. '.repeat(4)}`;
    const video = renderVideo({ width: 1792, height: 1024, seconds: 12, label });
    const iPcmFrame = (1792 / 16) * (1024 / 16) * 384;
    expect(video.length).toBeGreaterThan(iPcmFrame);
    expect(video.length).toBeLessThan(4_000_000);
  });

  it('writes ftyp, then moov, then mdat (fast start)', () => {
    const mp4 = renderVideo({ width: 64, height: 48, seconds: 1, label: 'x' });
    const boxes: string[] = [];
    const view = new DataView(mp4.buffer, mp4.byteOffset, mp4.byteLength);
    for (let at = 0; at < mp4.length; at += view.getUint32(at)) {
      boxes.push(String.fromCharCode(...mp4.subarray(at + 4, at + 8)));
    }
    expect(boxes).toEqual(['ftyp', 'moov', 'mdat']);
  });

  it('exports the content types', () => {
    expect(MEDIA_TYPES).toEqual({ video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' });
  });
});

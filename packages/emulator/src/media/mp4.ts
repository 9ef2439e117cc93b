/**
 * A minimal MP4 (ISO/IEC 14496-12 ISO base media file format) muxer for one H.264 video track, with the
 * `avc1` sample entry and `avcC` configuration of ISO/IEC 14496-15 5.3.3. The `moov` box comes before
 * `mdat` ("fast start"), so a player can start as soon as the first bytes arrive, without seeking to
 * the end of the file. All samples go in a single chunk.
 */

/** What `muxMp4` needs to know about the track. */
export interface AvcTrack {
  /** Display size in pixels (after SPS cropping). */
  readonly width: number;
  readonly height: number;
  /** Media timescale, ticks per second. */
  readonly timescale: number;
  /** Duration of each sample in ticks; same length as `samples`. */
  readonly sampleDurations: readonly number[];
  /** Each sample (access unit) as its NAL units, without start codes or length prefixes. */
  readonly samples: readonly (readonly Uint8Array[])[];
  /** 0-based indexes of the samples that are random access points (IDR pictures). */
  readonly syncSamples: readonly number[];
  /** The sequence and picture parameter set NAL units (with their header byte). */
  readonly sps: Uint8Array;
  readonly pps: Uint8Array;
}

/** The movie timescale (mvhd, tkhd): milliseconds are enough for the presentation duration. */
const MOVIE_TIMESCALE = 1000;

/** Big-endian byte sink with nested boxes whose 32-bit size is patched when the box closes. */
class BoxSink {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  fourcc(code: string): void {
    for (let i = 0; i < 4; i++) this.u8(code.charCodeAt(i));
  }

  /** A box (4.2 "Object Structure"): size, type, then whatever `body` writes. */
  box(type: string, body: () => void): void {
    const start = this.pos;
    this.u32(0);
    this.fourcc(type);
    body();
    this.view.setUint32(start, this.pos - start);
  }

  /** A FullBox: a box whose body starts with version (8 bits) and flags (24 bits). */
  fullBox(type: string, version: number, flags: number, body: () => void): void {
    this.box(type, () => {
      this.u32((version << 24) | flags);
      body();
    });
  }

  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v);
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** The unity transformation matrix of mvhd/tkhd (16.16 and 2.30 fixed point). */
function matrix(s: BoxSink): void {
  for (const v of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000]) s.u32(v);
}

/**
 * Builds a complete MP4 file: `ftyp`, `moov`, then `mdat` with every sample as 4-byte-length-prefixed
 * NAL units (the `avcC` lengthSizeMinusOne = 3 format).
 */
export function muxMp4(track: AvcTrack): Uint8Array<ArrayBuffer> {
  const { samples, sampleDurations } = track;
  if (samples.length === 0 || samples.length !== sampleDurations.length) {
    throw new RangeError('muxMp4 needs one duration per sample and at least one sample');
  }
  const sampleSizes = samples.map((nals) => nals.reduce((sum, nal) => sum + 4 + nal.length, 0));
  const mediaBytes = sampleSizes.reduce((a, b) => a + b, 0);
  const totalTicks = sampleDurations.reduce((a, b) => a + b, 0);
  const movieDuration = Math.round((totalTicks * MOVIE_TIMESCALE) / track.timescale);

  const s = new BoxSink();
  // 4.3 File Type Box: "isom" with the brands a plain AVC file satisfies.
  s.box('ftyp', () => {
    s.fourcc('isom');
    s.u32(0x200); // minor_version
    for (const brand of ['isom', 'iso2', 'avc1', 'mp41']) s.fourcc(brand);
  });
  let chunkOffsetAt = -1;
  s.box('moov', () => {
    // 8.2.2 Movie Header Box
    s.fullBox('mvhd', 0, 0, () => {
      s.u32(0); // creation_time: fixed, so the same input gives the same bytes
      s.u32(0); // modification_time
      s.u32(MOVIE_TIMESCALE);
      s.u32(movieDuration);
      s.u32(0x00010000); // rate 1.0
      s.u16(0x0100); // volume 1.0
      s.zeros(10); // reserved
      matrix(s);
      s.zeros(24); // pre_defined
      s.u32(2); // next_track_ID
    });
    s.box('trak', () => {
      // 8.3.2 Track Header Box; flags 3 = track_enabled | track_in_movie
      s.fullBox('tkhd', 0, 3, () => {
        s.u32(0); // creation_time
        s.u32(0); // modification_time
        s.u32(1); // track_ID
        s.u32(0); // reserved
        s.u32(movieDuration);
        s.zeros(8); // reserved
        s.u16(0); // layer
        s.u16(0); // alternate_group
        s.u16(0); // volume: 0 for visual tracks
        s.u16(0); // reserved
        matrix(s);
        s.u32(track.width * 0x10000); // width, 16.16
        s.u32(track.height * 0x10000); // height, 16.16
      });
      s.box('mdia', () => {
        // 8.4.2 Media Header Box
        s.fullBox('mdhd', 0, 0, () => {
          s.u32(0);
          s.u32(0);
          s.u32(track.timescale);
          s.u32(totalTicks);
          s.u16(0x55c4); // language "und": ISO 639-2/T packed as three 5-bit letters
          s.u16(0); // pre_defined
        });
        // 8.4.3 Handler Reference Box
        s.fullBox('hdlr', 0, 0, () => {
          s.u32(0); // pre_defined
          s.fourcc('vide');
          s.zeros(12); // reserved
          s.bytes(new TextEncoder().encode('VideoHandler\0'));
        });
        s.box('minf', () => {
          s.fullBox('vmhd', 0, 1, () => s.zeros(8)); // 12.1.2: graphicsmode copy, opcolor 0; flags 1
          s.box('dinf', () => {
            // 8.7.2 Data Reference Box: flag 1 = media data is in this file
            s.fullBox('dref', 0, 0, () => {
              s.u32(1);
              s.fullBox('url ', 0, 1, () => {});
            });
          });
          s.box('stbl', () => {
            sampleDescription(s, track);
            timeToSample(s, sampleDurations);
            s.fullBox('stss', 0, 0, () => {
              // 8.6.2 Sync Sample Box: only the IDR pictures are random access points
              s.u32(track.syncSamples.length);
              for (const i of track.syncSamples) s.u32(i + 1);
            });
            s.fullBox('stsc', 0, 0, () => {
              // 8.7.4 Sample To Chunk Box: one chunk holding every sample
              s.u32(1);
              s.u32(1); // first_chunk
              s.u32(samples.length); // samples_per_chunk
              s.u32(1); // sample_description_index
            });
            s.fullBox('stsz', 0, 0, () => {
              s.u32(0); // sample_size 0: sizes follow
              s.u32(samples.length);
              for (const size of sampleSizes) s.u32(size);
            });
            s.fullBox('stco', 0, 0, () => {
              s.u32(1);
              chunkOffsetAt = s.pos;
              s.u32(0); // patched below, once the moov size is known
            });
          });
        });
      });
    });
  });
  const mdatHeader = 8;
  const fileSize = s.pos + mdatHeader + mediaBytes;
  if (fileSize > 0xffffffff) throw new RangeError('MP4 larger than 4 GiB is not supported');
  s.patchU32(chunkOffsetAt, s.pos + mdatHeader);
  const head = s.result();

  const out = new Uint8Array(fileSize);
  const view = new DataView(out.buffer);
  out.set(head, 0);
  let p = head.length;
  view.setUint32(p, mdatHeader + mediaBytes);
  out.set([0x6d, 0x64, 0x61, 0x74], p + 4); // 'mdat'
  p += mdatHeader;
  for (const nals of samples) {
    for (const nal of nals) {
      view.setUint32(p, nal.length);
      out.set(nal, p + 4);
      p += 4 + nal.length;
    }
  }
  return out;
}

/** 8.5.2 Sample Description Box with one `avc1` visual sample entry (ISO/IEC 14496-15 5.4.2.1). */
function sampleDescription(s: BoxSink, track: AvcTrack): void {
  s.fullBox('stsd', 0, 0, () => {
    s.u32(1); // entry_count
    s.box('avc1', () => {
      s.zeros(6); // SampleEntry reserved
      s.u16(1); // data_reference_index
      s.zeros(16); // VisualSampleEntry pre_defined / reserved
      s.u16(track.width);
      s.u16(track.height);
      s.u32(0x00480000); // horizresolution 72 dpi
      s.u32(0x00480000); // vertresolution 72 dpi
      s.u32(0); // reserved
      s.u16(1); // frame_count: one picture per sample
      const name = new TextEncoder().encode('sora-kit emulator');
      s.u8(name.length); // compressorname: a Pascal string padded to 32 bytes
      s.bytes(name);
      s.zeros(31 - name.length);
      s.u16(0x0018); // depth: colour, no alpha
      s.u16(0xffff); // pre_defined = -1
      // ISO/IEC 14496-15 5.3.3.1 AVCDecoderConfigurationRecord
      s.box('avcC', () => {
        s.u8(1); // configurationVersion
        s.u8(track.sps[1] ?? 0); // AVCProfileIndication = profile_idc
        s.u8(track.sps[2] ?? 0); // profile_compatibility = the constraint flags byte
        s.u8(track.sps[3] ?? 0); // AVCLevelIndication = level_idc
        s.u8(0xfc | 3); // reserved '111111' + lengthSizeMinusOne = 3 (4-byte NAL lengths)
        s.u8(0xe0 | 1); // reserved '111' + numOfSequenceParameterSets
        s.u16(track.sps.length);
        s.bytes(track.sps);
        s.u8(1); // numOfPictureParameterSets
        s.u16(track.pps.length);
        s.bytes(track.pps);
        // profile_idc 66 has no chroma_format / bit depth extension fields.
      });
    });
  });
}

/** 8.6.1.2 Decoding Time to Sample Box, run-length coded. */
function timeToSample(s: BoxSink, durations: readonly number[]): void {
  const runs: [number, number][] = [];
  for (const d of durations) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d) last[0]++;
    else runs.push([1, d]);
  }
  s.fullBox('stts', 0, 0, () => {
    s.u32(runs.length);
    for (const [count, delta] of runs) {
      s.u32(count);
      s.u32(delta);
    }
  });
}

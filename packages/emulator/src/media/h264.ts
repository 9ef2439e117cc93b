/**
 * A deliberately tiny H.264 (ITU-T H.264 | ISO/IEC 14496-10) encoder, Constrained Baseline profile,
 * CAVLC. It never does prediction or transforms:
 *
 * - the IDR picture codes every macroblock as I_PCM (raw samples, 7.3.5 "Macroblock layer syntax"), so
 *   the picture is reproduced exactly, at about 384 bytes per macroblock;
 * - every later picture is a P picture whose macroblocks are P_Skip (a copy of the previous picture,
 *   7.3.4 "mb_skip_run"), except the few the caller reports as changed, which are coded as I_PCM again.
 *
 * That is all a synthetic clip with a little animation needs, it is exact (lossless), and it is fast
 * because the samples are byte-aligned and copied in bulk. Deblocking is switched off (so P_Skip copies
 * are exact too) and there is one reference frame.
 */
import { MsbBitWriter } from './bit-writer.js';
import type { Yuv420 } from './raster.js';

/** nal_unit_type values (Table 7-1). */
const NAL_SLICE_NON_IDR = 1;
const NAL_SLICE_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

/** profile_idc 66 = Baseline; with constraint_set1_flag it is "Constrained Baseline" (A.2.1.1). */
const PROFILE_BASELINE = 66;
/** constraint_set0_flag (obeys Baseline) and constraint_set1_flag (obeys Main) set: 0b1100_0000. */
const CONSTRAINT_FLAGS = 0xc0;

/** mb_type I_PCM is 25 in I slices (Table 7-11) and 5 + 25 in P slices (Table 7-13: intra types follow the 5 P types). */
const MB_TYPE_I_PCM_IN_I = 25;
const MB_TYPE_I_PCM_IN_P = 30;

/** Bytes of samples in one 4:2:0 8-bit I_PCM macroblock: 16x16 luma + 2 x 8x8 chroma. */
export const PCM_BYTES_PER_MB = 384;

/**
 * Table A-1 limits: [level_idc, MaxMBPS (macroblocks/s), MaxFS (macroblocks per frame)]. MaxDpbMbs is
 * always at least MaxFS, which is all one reference frame needs, so it is not listed.
 */
const LEVELS: ReadonlyArray<readonly [number, number, number]> = [
  [10, 1485, 99],
  [11, 3000, 396],
  [12, 6000, 396],
  [13, 11880, 396],
  [20, 11880, 396],
  [21, 19800, 792],
  [22, 20250, 1620],
  [30, 40500, 1620],
  [31, 108000, 3600],
  [32, 216000, 5120],
  [40, 245760, 8192],
  [41, 245760, 8192],
  [42, 522240, 8704],
  [50, 589824, 22080],
  [51, 983040, 36864],
  [52, 2073600, 36864],
  [60, 4177920, 139264],
  [61, 8355840, 139264],
  [62, 16711680, 139264],
];

/**
 * The lowest level_idc whose frame size (MaxFS, and A.3.1 item (f): each dimension at most
 * sqrt(8 * MaxFS) macroblocks) and macroblock rate (MaxMBPS) admit the stream.
 *
 * Bit-rate limits are not used to pick the level: the single I_PCM picture is large, but its CPB removal
 * time is not signalled (no HRD parameters), so a decoder may take as long as it needs for it; the rest
 * of the stream is a few hundred bytes per picture.
 */
export function chooseLevel(widthInMbs: number, heightInMbs: number, fps: number): number {
  const frameMbs = widthInMbs * heightInMbs;
  for (const [levelIdc, maxMbps, maxFs] of LEVELS) {
    const maxDim = Math.sqrt(8 * maxFs);
    if (frameMbs <= maxFs && widthInMbs <= maxDim && heightInMbs <= maxDim && frameMbs * fps <= maxMbps) {
      return levelIdc;
    }
  }
  throw new RangeError(`no H.264 level admits ${widthInMbs * 16}x${heightInMbs * 16} at ${fps} fps`);
}

/**
 * Emulation prevention (7.4.1): within a NAL unit, an emulation_prevention_three_byte 0x03 must follow
 * any two zero bytes that precede a byte <= 0x03, so that no start code prefix (0x000001) can appear
 * inside the unit. `nal` is a complete NAL unit (header byte, then RBSP). Zero bytes are found with the
 * native `indexOf`, which skips I_PCM samples (all >= 16) at memory speed; when nothing needs escaping,
 * as is usual, `nal` itself is returned without a copy.
 */
export function escapeNal(nal: Uint8Array): Uint8Array {
  const n = nal.length;
  const inserts: number[] = []; // offsets of the bytes that get an 0x03 in front of them
  let i = nal.indexOf(0, 1);
  while (i !== -1 && i + 2 < n) {
    if (nal[i + 1] !== 0) {
      i = nal.indexOf(0, i + 2);
    } else if ((nal[i + 2] as number) <= 3) {
      inserts.push(i + 2);
      // The count of zeros restarts after the 0x03; a zero at i + 2 may begin the next pair.
      i = nal[i + 2] === 0 ? i + 2 : nal.indexOf(0, i + 3);
    } else {
      i = nal.indexOf(0, i + 3);
    }
  }
  if (inserts.length === 0) return nal;
  const out = new Uint8Array(n + inserts.length);
  let from = 0;
  let o = 0;
  for (const at of inserts) {
    out.set(nal.subarray(from, at), o);
    o += at - from;
    out[o++] = 3;
    from = at;
  }
  out.set(nal.subarray(from), o);
  return out;
}

/** A NAL unit (7.3.1) from its header fields and RBSP, with emulation prevention applied. */
export function nalUnit(nalRefIdc: number, nalUnitType: number, rbsp: Uint8Array): Uint8Array {
  const nal = new Uint8Array(1 + rbsp.length);
  nal[0] = nalHeader(nalRefIdc, nalUnitType);
  nal.set(rbsp, 1);
  return escapeNal(nal);
}

/** nal_unit_header: forbidden_zero_bit, nal_ref_idc (2 bits), nal_unit_type (5 bits). */
function nalHeader(nalRefIdc: number, nalUnitType: number): number {
  return (nalRefIdc << 5) | nalUnitType;
}

/** Starts a NAL unit in a fresh writer: the header byte first, so that no copy is needed to prepend it. */
function startNal(nalRefIdc: number, nalUnitType: number): MsbBitWriter {
  const w = new MsbBitWriter();
  w.u(8, nalHeader(nalRefIdc, nalUnitType));
  return w;
}

/** Encodes a synthetic clip as one IDR picture followed by P pictures; see the module comment. */
export class PcmH264Encoder {
  /** Picture size in macroblocks; the coded size is these times 16, cropped to width x height. */
  readonly widthInMbs: number;
  readonly heightInMbs: number;
  readonly levelIdc: number;
  readonly profileIdc = PROFILE_BASELINE;
  readonly constraintFlags = CONSTRAINT_FLAGS;
  /**
   * log2(MaxFrameNum). frame_num counts reference pictures modulo MaxFrameNum (7.4.3); wrapping is legal,
   * 16 bits just makes it unusual in practice (65536 pictures is 45 minutes at 24 fps).
   */
  private readonly log2MaxFrameNum = 16;
  private frameNum = 0;

  /**
   * @param width display width in pixels (even)
   * @param height display height in pixels (even)
   * @param fps frames per second, signalled in the VUI timing info
   */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly fps: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
      throw new RangeError(`invalid video size ${width}x${height}`);
    }
    // With 4:2:0 and frame_mbs_only_flag = 1, cropping works in units of 2 luma samples (Table 6-1, 7.4.2.1.1).
    if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('video width and height must be even');
    this.widthInMbs = Math.ceil(width / 16);
    this.heightInMbs = Math.ceil(height / 16);
    this.levelIdc = chooseLevel(this.widthInMbs, this.heightInMbs, fps);
  }

  get codedWidth(): number {
    return this.widthInMbs * 16;
  }

  get codedHeight(): number {
    return this.heightInMbs * 16;
  }

  /** The RFC 6381 `codecs` parameter, e.g. `avc1.42C01F`. */
  get codecString(): string {
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
    return `avc1.${hex(this.profileIdc)}${hex(this.constraintFlags)}${hex(this.levelIdc)}`;
  }

  /** seq_parameter_set_rbsp() (7.3.2.1.1) with VUI (E.1.1), as a NAL unit. */
  sps(): Uint8Array {
    const w = startNal(3, NAL_SPS);
    w.u(8, this.profileIdc);
    w.u(8, this.constraintFlags); // constraint_set0..5_flag + reserved_zero_2bits
    w.u(8, this.levelIdc);
    w.ue(0); // seq_parameter_set_id
    // profile_idc 66 carries no chroma_format_idc: 4:2:0, 8 bits are implied.
    w.ue(this.log2MaxFrameNum - 4); // log2_max_frame_num_minus4
    // pic_order_cnt_type 2: output order = decoding order, nothing to send per slice (8.2.1.3). Allowed
    // because no two consecutive pictures are non-reference (all of ours are references).
    w.ue(2);
    w.ue(1); // max_num_ref_frames: P_Skip only ever looks at the previous picture
    w.flag(false); // gaps_in_frame_num_value_allowed_flag
    w.ue(this.widthInMbs - 1); // pic_width_in_mbs_minus1
    w.ue(this.heightInMbs - 1); // pic_height_in_map_units_minus1
    w.flag(true); // frame_mbs_only_flag: progressive frames only
    w.flag(true); // direct_8x8_inference_flag (only B slices use it; 1 is the common value)
    const cropRight = (this.codedWidth - this.width) / 2;
    const cropBottom = (this.codedHeight - this.height) / 2;
    const crop = cropRight > 0 || cropBottom > 0;
    w.flag(crop); // frame_cropping_flag
    if (crop) {
      w.ue(0); // frame_crop_left_offset
      w.ue(cropRight); // frame_crop_right_offset, in units of CropUnitX = 2
      w.ue(0); // frame_crop_top_offset
      w.ue(cropBottom); // frame_crop_bottom_offset, in units of CropUnitY = 2
    }
    w.flag(true); // vui_parameters_present_flag
    this.vui(w);
    w.trailingBits();
    return escapeNal(w.bytes());
  }

  /**
   * vui_parameters() (E.1.1). Says what the samples mean so players convert them the way the raster
   * meant: square pixels, BT.601 limited range; the frame rate; and, through bitstream_restriction,
   * that no picture is ever reordered, so decoders output each picture as soon as it is decoded.
   */
  private vui(w: MsbBitWriter): void {
    w.flag(true); // aspect_ratio_info_present_flag
    w.u(8, 1); // aspect_ratio_idc 1: 1:1 (square samples)
    w.flag(false); // overscan_info_present_flag
    w.flag(true); // video_signal_type_present_flag
    w.u(3, 5); // video_format: unspecified
    w.flag(false); // video_full_range_flag: 16..235 luma, like raster.ts produces
    w.flag(true); // colour_description_present_flag
    w.u(8, 6); // colour_primaries: SMPTE 170M (BT.601 525)
    w.u(8, 6); // transfer_characteristics: SMPTE 170M
    w.u(8, 6); // matrix_coefficients: SMPTE 170M (BT.601), the matrix raster.ts uses
    w.flag(false); // chroma_loc_info_present_flag
    w.flag(true); // timing_info_present_flag
    w.u32(1); // num_units_in_tick
    w.u32(2 * this.fps); // time_scale: one frame is two ticks (E.2.1: field-based clock)
    w.flag(true); // fixed_frame_rate_flag
    w.flag(false); // nal_hrd_parameters_present_flag
    w.flag(false); // vcl_hrd_parameters_present_flag
    w.flag(false); // pic_struct_present_flag
    w.flag(true); // bitstream_restriction_flag
    w.flag(true); // motion_vectors_over_pic_boundaries_flag
    w.ue(0); // max_bytes_per_pic_denom: no limit
    w.ue(0); // max_bits_per_mb_denom: no limit
    w.ue(15); // log2_max_mv_length_horizontal (the inferred default; all our vectors are zero)
    w.ue(15); // log2_max_mv_length_vertical
    w.ue(0); // max_num_reorder_frames: output order is decoding order
    w.ue(1); // max_dec_frame_buffering: the single reference frame
  }

  /** pic_parameter_set_rbsp() (7.3.2.2), as a NAL unit. */
  pps(): Uint8Array {
    const w = startNal(3, NAL_PPS);
    w.ue(0); // pic_parameter_set_id
    w.ue(0); // seq_parameter_set_id
    w.flag(false); // entropy_coding_mode_flag: CAVLC (Baseline has no CABAC)
    w.flag(false); // bottom_field_pic_order_in_frame_present_flag
    w.ue(0); // num_slice_groups_minus1: no FMO (Constrained Baseline forbids it)
    w.ue(0); // num_ref_idx_l0_default_active_minus1
    w.ue(0); // num_ref_idx_l1_default_active_minus1
    w.flag(false); // weighted_pred_flag
    w.u(2, 0); // weighted_bipred_idc
    w.se(0); // pic_init_qp_minus26 (QP is irrelevant: nothing is quantised)
    w.se(0); // pic_init_qs_minus26
    w.se(0); // chroma_qp_index_offset
    w.flag(true); // deblocking_filter_control_present_flag: lets slices switch the filter off
    w.flag(false); // constrained_intra_pred_flag
    w.flag(false); // redundant_pic_cnt_present_flag
    w.trailingBits();
    return escapeNal(w.bytes());
  }

  /**
   * The IDR picture: one I slice in which every macroblock is I_PCM, as a NAL unit. Resets frame_num.
   * `planes` must be codedWidth x codedHeight.
   */
  idr(planes: Yuv420): Uint8Array {
    this.checkPlanes(planes);
    this.frameNum = 0;
    const total = this.widthInMbs * this.heightInMbs;
    const w = startNal(3, NAL_SLICE_IDR);
    w.ensure(64 + total * (PCM_BYTES_PER_MB + 2));
    this.sliceHeader(w, true);
    for (let mb = 0; mb < total; mb++) {
      w.ue(MB_TYPE_I_PCM_IN_I); // mb_type (no mb_skip_run in I slices)
      this.pcm(w, planes, mb);
    }
    w.trailingBits();
    return escapeNal(w.bytes());
  }

  /**
   * A P picture that repeats the previous picture except for the macroblocks listed in `changedMbs`
   * (macroblock addresses in raster order, ascending, no duplicates), whose new samples are taken from
   * `planes`. An empty list gives a picture that is a single mb_skip_run.
   */
  inter(planes: Yuv420, changedMbs: ArrayLike<number>): Uint8Array {
    this.checkPlanes(planes);
    this.frameNum = (this.frameNum + 1) % (1 << this.log2MaxFrameNum);
    const total = this.widthInMbs * this.heightInMbs;
    // nal_ref_idc 2: the picture is a reference, the next one's P_Skip copies from it.
    const w = startNal(2, NAL_SLICE_NON_IDR);
    w.ensure(64 + changedMbs.length * (PCM_BYTES_PER_MB + 8));
    this.sliceHeader(w, false);
    // slice_data() (7.3.4) with CAVLC: mb_skip_run, then a macroblock, then mb_skip_run... A trailing
    // run of skipped macroblocks is its own mb_skip_run; if the last macroblock is coded, the slice just ends.
    let next = 0;
    for (let i = 0; i < changedMbs.length; i++) {
      const mb = changedMbs[i] as number;
      if (mb < next || mb >= total)
        throw new RangeError(`changed macroblocks must be ascending and < ${total}`);
      w.ue(mb - next); // mb_skip_run
      w.ue(MB_TYPE_I_PCM_IN_P); // mb_type
      this.pcm(w, planes, mb);
      next = mb + 1;
    }
    if (next < total) w.ue(total - next);
    w.trailingBits();
    return escapeNal(w.bytes());
  }

  /** slice_header() (7.3.3) for the only slice of the picture. */
  private sliceHeader(w: MsbBitWriter, idr: boolean): void {
    w.ue(0); // first_mb_in_slice
    w.ue(idr ? 7 : 5); // slice_type: 7 = I, 5 = P; the +5 says every slice of the picture has this type
    w.ue(0); // pic_parameter_set_id
    w.u(this.log2MaxFrameNum, this.frameNum); // frame_num
    if (idr) w.ue(0); // idr_pic_id
    // pic_order_cnt_type 2: no POC syntax. No redundant_pic_cnt, no B-slice fields.
    if (!idr) {
      w.flag(false); // num_ref_idx_active_override_flag: one reference, as the PPS says
      w.flag(false); // ref_pic_list_modification_flag_l0 (7.3.3.1)
    }
    // dec_ref_pic_marking() (7.3.3.3), present because nal_ref_idc != 0.
    if (idr) {
      w.flag(false); // no_output_of_prior_pics_flag
      w.flag(false); // long_term_reference_flag
    } else {
      w.flag(false); // adaptive_ref_pic_marking_mode_flag: sliding window keeps the latest picture
    }
    w.se(0); // slice_qp_delta
    w.ue(1); // disable_deblocking_filter_idc 1: no deblocking, so copies and PCM stay bit-exact
  }

  /**
   * The I_PCM part of macroblock_layer() (7.3.5): pcm_alignment_zero_bit up to a byte boundary, then
   * 256 luma samples and 64 + 64 chroma samples (Cb then Cr), each block in raster order.
   */
  private pcm(w: MsbBitWriter, planes: Yuv420, mb: number): void {
    w.alignZero();
    const at = w.reserve(PCM_BYTES_PER_MB);
    const out = w.buf;
    const mbx = mb % this.widthInMbs;
    const mby = (mb - mbx) / this.widthInMbs;
    const { y, cb, cr, width } = planes;
    let o = at;
    let src = mby * 16 * width + mbx * 16;
    for (let row = 0; row < 16; row++, src += width) {
      for (let i = 0; i < 16; i++) out[o++] = y[src + i] as number;
    }
    const cw = width >> 1;
    const c0 = mby * 8 * cw + mbx * 8;
    src = c0;
    for (let row = 0; row < 8; row++, src += cw) {
      for (let i = 0; i < 8; i++) out[o++] = cb[src + i] as number;
    }
    src = c0;
    for (let row = 0; row < 8; row++, src += cw) {
      for (let i = 0; i < 8; i++) out[o++] = cr[src + i] as number;
    }
  }

  private checkPlanes(planes: Yuv420): void {
    if (planes.width !== this.codedWidth || planes.height !== this.codedHeight) {
      throw new RangeError(
        `planes are ${planes.width}x${planes.height}, expected ${this.codedWidth}x${this.codedHeight}`,
      );
    }
  }
}

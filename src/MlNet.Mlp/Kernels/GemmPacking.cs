using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Copies a block of op(A) or op(B) into the interleaved panel layout the micro-kernels read: panel q holds
/// <c>width</c> consecutive rows of op(A) (or columns of op(B)), stored depth-major, so that each depth step is
/// <c>width</c> contiguous floats. Rows past the end of the matrix are zero-filled, which lets edge tiles run the
/// same kernel as full ones.
/// </summary>
/// <remarks>
/// Packing is where transposition is absorbed. A source is either "lane-contiguous" (the <c>width</c> values of
/// one depth step are adjacent: A transposed, B not transposed) and packs by plain copies, or "depth-contiguous"
/// (each row runs along the depth: A not transposed, B transposed) and packs by 8×8 register transposes.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs <paramref name="count"/> lanes × <paramref name="depth"/> steps starting at <paramref name="source"/>
    /// into ceil(count / width) panels at <paramref name="destination"/>.
    /// </summary>
    /// <param name="source">Element (lane 0, depth 0) of the block.</param>
    /// <param name="stride">Leading dimension of the source matrix.</param>
    /// <param name="depthContiguous">True when consecutive depth steps of one lane are adjacent in memory.</param>
    /// <param name="count">Lanes (rows of op(A) or columns of op(B)) to pack.</param>
    /// <param name="depth">Depth steps to pack.</param>
    /// <param name="width">Panel width: the kernel's rows (for A) or columns (for B); a multiple of 4.</param>
    /// <param name="destination">Start of the packed panels; needs ceil(count/width)·width·depth floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(float* source, int stride, bool depthContiguous, int count, int depth, int width,
        float* destination)
    {
        if (depthContiguous)
        {
            int lane = 0;
            // Panels 4 lanes wide (the AVX2 and 128-bit kernels' A) are too narrow for the 8×8 transpose of
            // PackPanelTransposing and would be packed one float at a time: they have a 4×8 transpose of their own.
            if (width == 4 && Avx.IsSupported)
            {
                for (; lane + 4 <= count; lane += 4)
                    PackQuadPanelTransposing(source + (long)lane * stride, stride, depth, destination + (long)lane * depth);
            }
            for (; lane < count; lane += width)
            {
                int lanes = Math.Min(width, count - lane);
                PackPanelTransposing(source + (long)lane * stride, stride, lanes, depth, width,
                    destination + (long)lane * depth);
            }
            return;
        }
        int fullLanes = count - count % width;
        PackFullPanelsCopying(source, stride, fullLanes, depth, width, destination);
        if (fullLanes < count)
        {
            PackPanelCopying(source + fullLanes, stride, count - fullLanes, depth, width,
                destination + (long)fullLanes * depth);
        }
    }

    /// <summary>
    /// Lane-contiguous source, whole panels: depth tiles of a few rows, copied panel by panel, so each source
    /// line is still in L1 when the neighbouring panel reads its other half, and each panel is written
    /// sequentially. The run width is fixed per kernel, so the copy is picked once, outside the loops: a generic
    /// copy loop per 8-float run cost more than the copy itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackFullPanelsCopying(float* source, int stride, int lanes, int depth, int width,
        float* destination)
    {
        if (width == 8 && Vector256.IsHardwareAccelerated)
            PackFullPanelsCopying<Run8>(source, stride, lanes, depth, width, destination);
        else if (width == 16 && Vector512.IsHardwareAccelerated)
            PackFullPanelsCopying<Run16>(source, stride, lanes, depth, width, destination);
        else if (width == 32 && Vector512.IsHardwareAccelerated)
            PackFullPanelsCopying<Run32>(source, stride, lanes, depth, width, destination);
        else
            PackFullPanelsCopying<RunAnyWidth>(source, stride, lanes, depth, width, destination);
    }

    /// <summary>Depth rows per tile: 4 to 16 measured alike; their source lines stay in L1 across the panels.</summary>
    private const int CopyDepthTile = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackFullPanelsCopying<TRun>(float* source, int stride, int lanes, int depth, int width,
        float* destination)
        where TRun : struct, IRunCopy
    {
        long panelSize = (long)width * depth;
        for (int depthStart = 0; depthStart < depth; depthStart += CopyDepthTile)
        {
            int depthEnd = Math.Min(depth, depthStart + CopyDepthTile);
            for (int lane = 0; lane < lanes; lane += width)
            {
                float* to = destination + lane / width * panelSize;
                for (int p = depthStart; p < depthEnd; p++)
                    TRun.Copy(source + (long)p * stride + lane, to + (long)p * width, width);
            }
        }
    }

    /// <summary>Copies one run (one depth step of one panel) of a known width.</summary>
    private interface IRunCopy
    {
        static abstract void Copy(float* from, float* to, int width);
    }

    private readonly struct Run8 : IRunCopy
    {
        public static void Copy(float* from, float* to, int width) => Vector256.Load(from).Store(to);
    }

    private readonly struct Run16 : IRunCopy
    {
        public static void Copy(float* from, float* to, int width) => Vector512.Load(from).Store(to);
    }

    private readonly struct Run32 : IRunCopy
    {
        public static void Copy(float* from, float* to, int width)
        {
            Vector512.Load(from).Store(to);
            Vector512.Load(from + 16).Store(to + 16);
        }
    }

    private readonly struct RunAnyWidth : IRunCopy
    {
        public static void Copy(float* from, float* to, int width) => CopyFullRun(from, to, width);
    }

    /// <summary>
    /// Lane-contiguous source, the last, partial panel: <paramref name="lanes"/> &lt; width floats per depth step,
    /// zero-padded.
    /// </summary>
    /// <remarks>Fully optimised from the first call, as the full panels' packing is: at tier 0 this scalar loop was
    /// 2% of a fresh process's first seven small-table Fits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanelCopying(float* source, int stride, int lanes, int depth, int width, float* panel)
    {
        for (int p = 0; p < depth; p++)
        {
            float* from = source + (long)p * stride;
            float* to = panel + (long)p * width;
            for (int r = 0; r < lanes; r++)
                to[r] = from[r];
            for (int r = lanes; r < width; r++)
                to[r] = 0f;
        }
    }

    /// <summary>Copies <paramref name="width"/> floats (a multiple of 4) with the widest available vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyFullRun(float* from, float* to, int width)
    {
        int r = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; r + 16 <= width; r += 16)
                Vector512.Load(from + r).Store(to + r);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; r + 8 <= width; r += 8)
                Vector256.Load(from + r).Store(to + r);
        }
        for (; r < width; r += 4)
            Vector128.Load(from + r).Store(to + r);
    }

    /// <summary>
    /// Depth-contiguous source: lane r is the run source[r·stride ..]. Whole groups of 8 lanes go through 8×8
    /// AVX transposes (8 loads, 24 shuffles, 8 stores per 64 floats, several times faster than scattered scalar
    /// stores); the remaining lanes and depth steps, and non-AVX hardware, take the scalar route.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanelTransposing(float* source, int stride, int lanes, int depth, int width, float* panel)
    {
        int vectorDepth = Avx.IsSupported ? depth & ~7 : 0;
        int vectorLanes = Avx.IsSupported ? lanes & ~7 : 0;
        // Panels 16 or 32 wide (the AVX-512 kernels' B) take 16×16 blocks where the hardware has them: a third fewer
        // shuffles than four 8×8 ones, and every store a whole 64-byte line.
        int wideDepth = Avx512F.IsSupported && width % 16 == 0 ? depth & ~15 : 0;
        int wideLanes = wideDepth > 0 ? lanes & ~15 : 0;
        for (int group = 0; group < wideLanes; group += 16)
        {
            float* rows = source + (long)group * stride;
            for (int p = 0; p < wideDepth; p += 16)
                Transpose16x16(rows + p, stride, panel + (long)p * width + group, width);
        }
        // What the 16×16 blocks left: the depth steps past wideDepth of their lanes, and all of any other lane group.
        for (int group = 0; group < vectorLanes; group += 8)
        {
            float* rows = source + (long)group * stride;
            for (int p = group < wideLanes ? wideDepth : 0; p < vectorDepth; p += 8)
                Transpose8x8(rows + p, stride, panel + (long)p * width + group, width);
        }
        for (int r = 0; r < width; r++)
        {
            int firstDepth = r < vectorLanes ? vectorDepth : 0;
            float* row = source + (long)r * stride;
            if (r < lanes)
            {
                for (int p = firstDepth; p < depth; p++)
                    panel[(long)p * width + r] = row[p];
            }
            else
            {
                for (int p = 0; p < depth; p++)
                    panel[(long)p * width + r] = 0f;
            }
        }
    }

    /// <summary>
    /// Depth-contiguous source, one whole 4-lane panel: each 4×8 block (4 lanes, 8 depth steps) is transposed into
    /// the panel's next 32 floats, which are contiguous, so every store is a full 256-bit one. Measured on the
    /// forward product's A (128×784): 14 µs, against 26 µs for one 8×8 transpose split into two panels with
    /// 128-bit stores. The depth steps left after the last multiple of 8 go one float at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackQuadPanelTransposing(float* source, int stride, int depth, float* panel)
    {
        int vectorDepth = depth & ~7;
        for (int p = 0; p < vectorDepth; p += 8)
            Transpose4x8(source + p, stride, panel + (long)p * 4);
        for (int r = 0; r < 4; r++)
        {
            float* row = source + (long)r * stride;
            for (int p = vectorDepth; p < depth; p++)
                panel[(long)p * 4 + r] = row[p];
        }
    }

    /// <summary>
    /// Reads 4 rows × 8 floats (row stride <paramref name="stride"/>) and writes their 8 columns, 4 floats each,
    /// one after another at <paramref name="to"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* from, int stride, float* to)
    {
        Vector256<float> r0 = Avx.LoadVector256(from);
        Vector256<float> r1 = Avx.LoadVector256(from + stride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2L * stride);
        Vector256<float> r3 = Avx.LoadVector256(from + 3L * stride);

        // After the unpacks and shuffles, 128-bit lane 0 of s_j holds column j and lane 1 column j + 4.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);

        Avx.Store(to, Avx.Permute2x128(s0, s1, 0x20));
        Avx.Store(to + 8, Avx.Permute2x128(s2, s3, 0x20));
        Avx.Store(to + 16, Avx.Permute2x128(s0, s1, 0x31));
        Avx.Store(to + 24, Avx.Permute2x128(s2, s3, 0x31));
    }

    /// <summary>
    /// Reads 16 rows × 16 floats (row stride <paramref name="stride"/>) and writes them transposed: output row q
    /// (at <paramref name="to"/> + q·<paramref name="toStride"/>) holds column q of the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16x16(float* from, int stride, float* to, int toStride)
    {
        // Within each 128-bit lane L, the unpacks and shuffles gather column 4L + c of rows 4g..4g+3 into s{g}{c}
        // (the 4-row step of Transpose4x8 and Transpose8x8, on 512-bit vectors); the 128-bit lane shuffles then put
        // the four row groups of each column side by side.
        GatherColumnQuarters(from, stride, out Vector512<float> s00, out Vector512<float> s01, out Vector512<float> s02, out Vector512<float> s03);
        GatherColumnQuarters(from + 4L * stride, stride, out Vector512<float> s10, out Vector512<float> s11, out Vector512<float> s12, out Vector512<float> s13);
        GatherColumnQuarters(from + 8L * stride, stride, out Vector512<float> s20, out Vector512<float> s21, out Vector512<float> s22, out Vector512<float> s23);
        GatherColumnQuarters(from + 12L * stride, stride, out Vector512<float> s30, out Vector512<float> s31, out Vector512<float> s32, out Vector512<float> s33);
        StoreColumns(s00, s10, s20, s30, to, toStride);
        StoreColumns(s01, s11, s21, s31, to + toStride, toStride);
        StoreColumns(s02, s12, s22, s32, to + 2L * toStride, toStride);
        StoreColumns(s03, s13, s23, s33, to + 3L * toStride, toStride);
    }

    /// <summary>
    /// Four rows of 16 floats: output c holds, in its 128-bit lane L, element 4L + c of each row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherColumnQuarters(float* rows, int stride, out Vector512<float> c0, out Vector512<float> c1,
        out Vector512<float> c2, out Vector512<float> c3)
    {
        Vector512<float> r0 = Avx512F.LoadVector512(rows);
        Vector512<float> r1 = Avx512F.LoadVector512(rows + stride);
        Vector512<float> r2 = Avx512F.LoadVector512(rows + 2L * stride);
        Vector512<float> r3 = Avx512F.LoadVector512(rows + 3L * stride);
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        c0 = Avx512F.Shuffle(t0, t2, 0x44);
        c1 = Avx512F.Shuffle(t0, t2, 0xEE);
        c2 = Avx512F.Shuffle(t1, t3, 0x44);
        c3 = Avx512F.Shuffle(t1, t3, 0xEE);
    }

    /// <summary>
    /// From the <see cref="GatherColumnQuarters"/> output c of the four row groups (<paramref name="a"/> rows 0–3 …
    /// <paramref name="d"/> rows 12–15), stores columns c, c + 4, c + 8 and c + 12 of the 16×16 block, 4 rows of
    /// <paramref name="toStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d,
        float* to, int toStride)
    {
        Vector512<float> lowAB = Avx512F.Shuffle4x128(a, b, 0x44), highAB = Avx512F.Shuffle4x128(a, b, 0xEE);
        Vector512<float> lowCD = Avx512F.Shuffle4x128(c, d, 0x44), highCD = Avx512F.Shuffle4x128(c, d, 0xEE);
        Avx512F.Store(to, Avx512F.Shuffle4x128(lowAB, lowCD, 0x88));
        Avx512F.Store(to + 4L * toStride, Avx512F.Shuffle4x128(lowAB, lowCD, 0xDD));
        Avx512F.Store(to + 8L * toStride, Avx512F.Shuffle4x128(highAB, highCD, 0x88));
        Avx512F.Store(to + 12L * toStride, Avx512F.Shuffle4x128(highAB, highCD, 0xDD));
    }

    /// <summary>
    /// Reads 8 rows × 8 floats (row stride <paramref name="stride"/>) and writes them transposed: output row q
    /// (at <paramref name="to"/> + q·<paramref name="toStride"/>) holds column q of the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* from, int stride, float* to, int toStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(from);
        Vector256<float> r1 = Avx.LoadVector256(from + stride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2L * stride);
        Vector256<float> r3 = Avx.LoadVector256(from + 3L * stride);
        Vector256<float> r4 = Avx.LoadVector256(from + 4L * stride);
        Vector256<float> r5 = Avx.LoadVector256(from + 5L * stride);
        Vector256<float> r6 = Avx.LoadVector256(from + 6L * stride);
        Vector256<float> r7 = Avx.LoadVector256(from + 7L * stride);

        // Interleave pairs of rows, then pairs of pairs; each 128-bit lane then holds 4×4 sub-blocks that the
        // final lane permutes put together.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(to, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(to + toStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(to + 2L * toStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(to + 3L * toStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(to + 4L * toStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(to + 5L * toStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(to + 6L * toStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(to + 7L * toStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}

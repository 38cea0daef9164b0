using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Maps the pages of a freshly allocated row matrix on another core while the read fills it. A fresh array of
/// hundreds of megabytes costs one page fault per 4 KiB when first written (Fashion-MNIST's 188 MB of floats: 46,000
/// faults, about a third of the read); the cursor that fills it runs on one thread, so the faults can be taken on an
/// idle core ahead of it instead. Only on Linux (<c>madvise(MADV_POPULATE_WRITE)</c>, kernel 5.14 or later), and only
/// with a second core; anywhere else the writes fault as before.
/// </summary>
/// <remarks>
/// Populating never changes a page's contents (a page already written is left as it is), so the reader and this
/// thread need no coordination: whichever touches a page first maps it.
/// </remarks>
internal static partial class PageFaultAhead
{
    /// <summary>Below this size the faults cost less than starting a thread.</summary>
    private const long MinimumBytes = 8L << 20;

    /// <summary>Pages mapped per call: small enough that the reader rarely overtakes the thread mapping ahead of it.</summary>
    private const long ChunkBytes = 2L << 20;

    private const int PageBytes = 4096;
    private const int MadvPopulateWrite = 23;

    /// <summary>
    /// Starts mapping the pages of the first <paramref name="length"/> elements of <paramref name="array"/> (all of
    /// them when null), where it pays. Callers need not wait: the returned task (already complete when nothing was
    /// started) is for tests.
    /// </summary>
    public static Task Start<T>(T[] array, long? length = null) where T : unmanaged
    {
        long bytes = Math.Min(length ?? array.LongLength, array.LongLength) * Unsafe.SizeOf<T>();
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount < 2 || bytes < MinimumBytes)
            return Task.CompletedTask;
        // Pinned until the thread is done: a large array does not move anyway, but the addresses must stay valid.
        GCHandle handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        // A thread of its own: a busy thread pool would start it after the read it should run ahead of.
        return Task.Factory.StartNew(() => Populate(handle, bytes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static void Populate(GCHandle handle, long bytes)
    {
        try
        {
            nint start = handle.AddrOfPinnedObject();
            nint end = start + (nint)bytes;
            // madvise takes whole pages; the partial pages at either end are left to the writes.
            for (nint at = AlignUp(start); at + PageBytes <= end; at += (nint)ChunkBytes)
            {
                nuint length = (nuint)(Math.Min(ChunkBytes, end - at) & ~(long)(PageBytes - 1));
                if (madvise(at, length, MadvPopulateWrite) != 0)
                    return; // an older kernel (EINVAL) or no memory to spare: the writes will fault as usual
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without madvise under that name: nothing is lost but the head start.
        }
        finally
        {
            handle.Free();
        }
    }

    private static nint AlignUp(nint address) => (address + (PageBytes - 1)) & ~(nint)(PageBytes - 1);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}

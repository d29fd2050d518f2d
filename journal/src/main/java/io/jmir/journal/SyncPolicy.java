package io.jmir.journal;

/**
 * When a journal forces what it wrote to stable storage. Every setting makes a completed entry survive the
 * death of the process ({@code kill -9}, a JVM crash): Chronicle writes into a shared memory mapping of the
 * file, so a completed entry is in the operating system's page cache the moment it is written and the kernel
 * writes it back even when the process is gone. The settings differ in what survives a power loss or an
 * operating system crash.
 */
public enum SyncPolicy
{
    /**
     * Never force. Survives process death; after a power loss or kernel crash the entries written since the
     * kernel last wrote the pages back (typically up to 30 s, {@code vm.dirty_expire_centisecs}) may be lost,
     * and a cycle file created since then may be missing. Recovery then stops at the last entry that reached
     * the disk intact (checksums catch torn pages). The default: the cheapest, and what the kill -9 test
     * exercises.
     */
    NONE,

    /**
     * At the end of every batch, {@code msync(MS_SYNC)} the pages of the current cycle file from the last
     * synced page up to the write position (Chronicle's {@code ExcerptAppender.sync()}), and fsync the
     * directory after a new cycle file was created. When the follow-ups of a batch are released, the bytes
     * of its entries are on the device (as far as the device honours flushes). Chronicle's own index pages
     * earlier in the file are not re-synced; recovery does not need them (it reads entries sequentially).
     * A batch that crosses one of Chronicle's mapped chunks (64 MiB by default) leaves the earlier chunk to
     * be synced when Chronicle releases it: use {@link #FSYNC_PER_BATCH} when that window matters.
     */
    MSYNC_PER_BATCH,

    /**
     * At the end of every batch, {@code fdatasync} the whole current cycle file ({@code FileChannel.force
     * (false)}), which flushes every dirty page of the file including Chronicle's headers and index, and fsync
     * the directory after a new cycle file was created. When the follow-ups of a batch are released, the batch
     * and everything before it in the cycle file are on the device. The most expensive setting.
     */
    FSYNC_PER_BATCH
}

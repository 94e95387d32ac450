package dev.deliberate.medical.net;

/** How hard a {@link StorageScp} works to keep an acknowledged instance. */
public enum Durability {
    /**
     * Before success is answered, the file's data is fsynced, the file renamed into place and its folder fsynced: an
     * acknowledged instance survives a crash of the process and of the machine (power loss). The default. Costs a few
     * milliseconds per instance on a typical disk.
     */
    FSYNC,
    /**
     * The file is written to a temporary name and renamed into place before success is answered, without fsync: an
     * acknowledged instance survives a crash of the process (never a partial file), but not necessarily a power loss
     * within the kernel's write-back delay. What most DICOM receivers (e.g. DCMTK's storescp) offer.
     */
    ATOMIC_RENAME
}

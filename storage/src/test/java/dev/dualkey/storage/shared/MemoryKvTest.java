package dev.dualkey.storage.shared;

/** The contract over {@link MemoryKv}. */
class MemoryKvTest extends SharedKvContractTest {
    private final MemoryKv kv = new MemoryKv();

    @Override
    protected SharedKv kv() {
        return kv;
    }
}

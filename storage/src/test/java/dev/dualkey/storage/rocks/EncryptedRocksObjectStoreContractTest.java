package dev.dualkey.storage.rocks;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.crypto.MasterKeyWrapper;

/** The whole contract again with encryption at rest on (as the server runs): sealed blobs, inline values, parts. */
class EncryptedRocksObjectStoreContractTest extends RocksObjectStoreContractTest {
    @Override
    protected ObjectStore newStore() {
        ObjectStore s = super.newStore();
        byte[] master = new byte[32];
        new java.util.Random(7).nextBytes(master);
        s.encryptAtRest(MasterKeyWrapper.fromMasterKey(master));
        return s;
    }

    @Override
    protected boolean servesZeroCopy() {
        return false;
    }
}

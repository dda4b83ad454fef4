package dev.dualkey.gateway.console.web;

/**
 * The console's pages behind the Netty handler. Both methods may block (they reach RocksDB and disk) and
 * are only called on the storage executor, never on an event loop.
 */
public interface ConsoleApp {
    /** Handles a request whose body (if any) was small and has been decoded into {@link ConsoleRequest#form()}. */
    ConsoleResponse handle(ConsoleRequest request);

    /**
     * Whether the request head names a streamed upload; its body is then not aggregated but parsed as
     * {@code multipart/form-data} and handed to {@link #beginUpload}.
     */
    boolean isUpload(String method, String path);

    /**
     * Starts an upload after the small fields that precede the file in the form (CSRF token, prefix) have
     * been read into {@code request.form()}. Throws {@link UploadRefusedException} carrying the page to
     * show when the request is refused (bad CSRF token, not signed in, not allowed).
     */
    UploadSink beginUpload(ConsoleRequest request, String fileName, String contentType) throws UploadRefusedException;
}

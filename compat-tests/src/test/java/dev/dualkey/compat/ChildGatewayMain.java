package dev.dualkey.compat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Entry point of the child JVM that {@link ChildGateway} starts: boots the same in-process gateway (same
 * accounts as {@link GatewayExtension}) over the data directory in {@code args[0]}, prints
 * {@code DUALKEY-READY <port>} on stdout, and stops when its stdin closes (the parent ended or died).
 */
public final class ChildGatewayMain {

    static final String READY = "DUALKEY-READY ";

    private ChildGatewayMain() {
    }

    public static void main(String[] args) throws IOException {
        try (InProcessGateway gateway = InProcessGateway.start(Path.of(args[0]), false, GatewayExtension.ACCOUNTS,
                GatewayExtension.REGION)) {
            System.out.println(READY + gateway.endpoint().endpoint().getPort());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for EOF: the parent closes our stdin to stop us
            }
        }
    }
}

package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 F: an OutOfMemoryError ends the process (exit {@link FatalErrors#EXIT_STATUS}) instead of leaving a
 * server that holds its port and never answers. Each case runs a child JVM with a 32 MiB heap and without
 * {@code -XX:+ExitOnOutOfMemoryError}, exhausts the heap for real, and must see the child exit within seconds
 * (it would otherwise sleep for a minute and exit 0).
 */
class FatalErrorsTest {

    /** A thread that dies of OutOfMemoryError halts the process through the default uncaught handler. */
    @Test
    void uncaughtOutOfMemoryErrorHaltsTheProcess() throws Exception {
        assertHalts("thread");
    }

    /**
     * An OutOfMemoryError thrown in the Netty pipeline (where Netty catches it and calls exceptionCaught, so no
     * uncaught handler ever sees it: the original zombie) halts the process from the front door.
     */
    @Test
    void outOfMemoryErrorInThePipelineHaltsTheProcess() throws Exception {
        assertHalts("pipeline");
    }

    private static void assertHalts(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode).redirectErrorStream(true).start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the child survived its OutOfMemoryError: " + out);
        assertEquals(FatalErrors.EXIT_STATUS, p.exitValue(), out);
        assertTrue(out.contains("fatal OutOfMemoryError"), out);
    }

    /** The child JVM. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            if (args[0].equals("thread")) {
                FatalErrors.install();
                Thread t = new Thread(Child::exhaust, "allocator");
                t.start();
            } else {
                // the installed handler would also catch it if Netty let it escape; here it must not be needed
                EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        exhaust();
                    }
                }, new FrontDoorHandler(List.of(), new StorageExecutor(Executors.newSingleThreadExecutor()), false,
                        new FrontDoorHandler.InFlight() {
                            @Override
                            public void started() {
                            }

                            @Override
                            public void finished() {
                            }
                        }));
                ch.writeInbound("anything");
            }
            Thread.sleep(60_000);
            System.exit(0);
        }

        private static void exhaust() {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 16]);
            }
        }
    }
}

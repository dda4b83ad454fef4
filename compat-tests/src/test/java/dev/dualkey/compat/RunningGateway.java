package dev.dualkey.compat;

/** A gateway the harness started (or attached to) and must stop at the end of the suite. */
interface RunningGateway extends AutoCloseable {

    GatewayEndpoint endpoint();

    @Override
    void close();
}

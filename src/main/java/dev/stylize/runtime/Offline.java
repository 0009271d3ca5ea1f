package dev.stylize.runtime;

/**
 * Keeps DJL from reaching the network: without {@code ai.djl.offline=true} its tokenizer library
 * contacts a non-loopback metadata address and, on CUDA hosts, tries to download a CUDA build.
 * Must run before any DJL class loads; called from the entry point and from our tokenizer wrapper.
 */
public final class Offline {
    private Offline() {}

    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
    }
}

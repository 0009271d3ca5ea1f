package dev.stylize.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this build carries the dev stack: the Kafka broker (kafka_2.13 and Scala, on the application
 * classpath) and S3Proxy (in the {@code embedded/} folder). The Maven profile {@code dev-stack} puts them in and
 * is on unless {@code -Dproduction} is given; the production artifact (the Dockerfiles' build) leaves them out,
 * so {@code stack}, {@code demo} and {@code bench throughput} say how to get them instead of failing with a
 * {@code ClassNotFoundException}.
 */
public final class DevStack {
    /** The broker's main class; only kafka_2.13 has it (kafka-clients, which the worker needs, does not). */
    static final String BROKER_MAIN_CLASS = "kafka.Kafka";

    /** This build lacks (part of) the dev stack. */
    public static final class Missing extends IllegalStateException {
        Missing(String message) {
            super(message);
        }
    }

    private DevStack() {
    }

    /** Throws {@link Missing}, naming what is missing and how to get it, unless the dev stack is in this build. */
    public static void require() {
        List<String> missing = missing(DevStack.class.getClassLoader(), S3Server.jarPath());
        if (!missing.isEmpty()) {
            throw new Missing(message(missing));
        }
    }

    /** What of the dev stack {@code loader} and {@code s3proxyJar} do not provide; empty when all is there. */
    static List<String> missing(ClassLoader loader, Path s3proxyJar) {
        List<String> missing = new ArrayList<>();
        try {
            Class.forName(BROKER_MAIN_CLASS, false, loader);
        } catch (ClassNotFoundException e) {
            missing.add("the Kafka broker (org.apache.kafka:kafka_2.13, class " + BROKER_MAIN_CLASS
                    + ", not on the classpath)");
        }
        if (!Files.isRegularFile(s3proxyJar)) {
            missing.add("the S3 server (S3Proxy, no " + s3proxyJar + ")");
        }
        return missing;
    }

    static String message(List<String> missing) {
        return "this build has no dev stack: " + String.join(" and ", missing) + " missing. It is the production"
                + " artifact (built with -Dproduction), or the dev stack's jars were removed. The `stack`, `demo` and"
                + " `bench throughput` commands need a dev build: `mvn -B -ntp package -DskipTests` (the Maven"
                + " profile dev-stack, on by default), then java -jar target/quarkus-app/quarkus-run.jar ...";
    }
}

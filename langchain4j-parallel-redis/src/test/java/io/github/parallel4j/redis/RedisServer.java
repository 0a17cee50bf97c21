package io.github.parallel4j.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The Redis the tests run against. CI ({@code .ci/run}) installs Debian's {@code redis-server}, starts it on a free
 * loopback port and passes its address as {@code -Dparallel4j.redis=127.0.0.1:PORT} or {@code PARALLEL4J_REDIS}.
 * Without it, a {@code redis-server} on the PATH is started for this JVM; without that, the tests are skipped with
 * a message saying how to run them. Tests that stop and restart Redis start their own with {@link #start()}.
 */
final class RedisServer implements AutoCloseable {

    private static RedisServer shared;

    final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** @return the address of the Redis shared by the tests, skipping the test when there is none */
    static synchronized String address() {
        String given = System.getProperty("parallel4j.redis", System.getenv("PARALLEL4J_REDIS"));
        if (given != null && !given.isBlank()) {
            return given;
        }
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return "127.0.0.1:" + shared.port;
    }

    /** @return a client of the shared Redis, with short timeouts */
    static RedissonClient client() {
        return client(address());
    }

    static RedissonClient client(String address) {
        return client(address, 30_000);
    }

    /** A client whose lock watchdog keeps a lock {@code watchdogMillis} past its last renewal (it renews at a third). */
    static RedissonClient client(String address, long watchdogMillis) {
        Config config = new Config().setLockWatchdogTimeout(watchdogMillis);
        // Commands time out fast (the outage tests stop Redis); connecting may take a while on a loaded machine,
        // where three replicas start at once.
        config.useSingleServer().setAddress("redis://" + address).setTimeout(300).setRetryAttempts(0)
                .setConnectTimeout(5_000).setConnectionMinimumIdleSize(1).setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4);
        return Redisson.create(config);
    }

    /** @return the {@code redis-server} binary, or null */
    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        for (String path : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(path).canExecute()) {
                return path;
            }
        }
        return null;
    }

    /** Starts a Redis of its own on a free loopback port, skipping the test when there is no redis-server. */
    static RedisServer start() {
        String binary = binary();
        assumeTrue(binary != null, "no redis-server on this machine: install it (apt-get install redis-server) or"
                + " pass -Dparallel4j.redis=host:port; the Redis tests are skipped");
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RedisServer server = new RedisServer(socket.getLocalPort(), Files.createTempDirectory("redis-test"));
            socket.close();
            server.restart();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server", e);
        }
    }

    /** Starts (again) the server on its port, and waits until it accepts connections. */
    synchronized void restart() throws IOException {
        process = new ProcessBuilder(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Process started = process;
        Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    if (!started.isAlive()) {
                        throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    /** Stops the server at once (SIGKILL), as a crash would. */
    synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    String addressOf() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

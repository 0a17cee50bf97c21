package io.github.parallel4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.SharedLimits;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * A permit's script is sent once, even by a client configured to resend commands that time out: a resent copy of
 * a script Redis runs late (after a stall) would take a second permit under the same id, and only one comes back.
 */
class PermitSentOnceTest {

    @Test
    void should_give_every_permit_back_when_redis_stalls_during_an_acquire() throws Exception {
        String address = RedisServer.address();
        Config config = new Config();
        // resends a command that is not answered within 300 ms, up to four times, 150 ms apart
        config.useSingleServer().setAddress("redis://" + address).setTimeout(300).setRetryAttempts(4)
                .setRetryDelay(new ConstantDelay(Duration.ofMillis(150))).setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(2).setSubscriptionConnectionMinimumIdleSize(0);
        RedissonClient redisson = Redisson.create(config);
        try {
            RedisSharedLimits limits = RedisSharedLimits.builder(redisson).namespace("once-" + UUID.randomUUID())
                    .timeout(Duration.ofMillis(300)).build();
            Duration lease = Duration.ofSeconds(3);
            limits.acquire("vendor", 2, Duration.ZERO, lease).toCompletableFuture().get(5, TimeUnit.SECONDS)
                    .orElseThrow().release().toCompletableFuture().get(5, TimeUnit.SECONDS); // sized
            RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore(limits.key("permits",
                    "vendor"));
            assertThat(semaphore.availablePermits()).isEqualTo(2);

            pause(address, 2_000); // Redis runs nothing for 2 s, then everything it was sent meanwhile
            CompletableFuture<Optional<SharedLimits.Lease>> acquired = limits.acquire("vendor", 2, Duration.ZERO,
                    lease).toCompletableFuture();
            Optional<SharedLimits.Lease> got = acquired.handle((value, error) -> value == null
                    ? Optional.<SharedLimits.Lease>empty() : value).get(10, TimeUnit.SECONDS);
            if (got.isPresent()) {
                got.get().release().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }

            // a permit granted after the library gave up runs out with its lease; none is lost for good
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> semaphore.availablePermits() == 2);
            // and it did stall: the acquire was not answered in time (sent once, it was given up on)
            assertThat(acquired).isCompletedExceptionally();
        } finally {
            redisson.shutdown();
        }
    }

    /** {@code CLIENT PAUSE} from a connection of its own. */
    private static void pause(String address, long millis) throws Exception {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("CLIENT PAUSE " + millis + " ALL\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] answer = new byte[5];
            assertThat(new String(answer, 0, socket.getInputStream().read(answer), StandardCharsets.US_ASCII))
                    .startsWith("+OK");
        }
    }
}

package io.github.parallel4j.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of Redis that counts round trips: each time a client connection sends after it was last
 * answered (or first), one round trip. Commands a client pipelines in one write (a Redisson batch) are one; a
 * command sent after the answer to the previous one is another.
 */
final class CountingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String target;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong clockReads = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    CountingProxy(String target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "counting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    long roundTrips() {
        return roundTrips.get();
    }

    /** @return how many of the round trips read Redis's clock ({@code ServerClock}'s {@code TIME}: each its own) */
    long clockReads() {
        return clockReads.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                int colon = target.lastIndexOf(':');
                Socket redis = new Socket();
                redis.connect(new InetSocketAddress(target.substring(0, colon),
                        Integer.parseInt(target.substring(colon + 1))));
                client.setTcpNoDelay(true);
                redis.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(redis);
                // true while the client's last bytes are not answered yet: more bytes then are the same round trip
                boolean[] asking = new boolean[1];
                pump(client.getInputStream(), redis.getOutputStream(), bytes -> {
                    if (bytes.contains("redis.call('TIME')")) {
                        clockReads.incrementAndGet();
                    }
                    synchronized (asking) {
                        if (!asking[0]) {
                            asking[0] = true;
                            roundTrips.incrementAndGet();
                        }
                    }
                });
                pump(redis.getInputStream(), client.getOutputStream(), bytes -> {
                    synchronized (asking) {
                        asking[0] = false;
                    }
                });
            }
        } catch (IOException closed) {
            // the proxy is closed
        }
    }

    private static void pump(InputStream in, OutputStream out, java.util.function.Consumer<String> onBytes) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    onBytes.accept(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException gone) {
                // a side closed
            }
        }, "counting-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

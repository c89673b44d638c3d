package dev.logberg.launch.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback gate in front of s3proxy that lets a request through only with the session token: S3
 * refuses session keys without their token, s3proxy does not look at it. It reads each request's
 * head, answers 403 if {@code x-amz-security-token} is not one of the sessions' it admits, and
 * otherwise passes the request's bytes on unchanged (the signature covers the Host header, which
 * the client set to this gate's address and the server checks as received). Bodies are framed by
 * Content-Length, as the AWS SDK sends them; a chunked request is refused, so nothing passes
 * unchecked. In front of the emulator's Glue, it shows which sessions' tokens reached Glue.
 */
final class SessionTokenGate implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final Set<String> tokens;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> daemon(r));
  private final AtomicInteger passed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  SessionTokenGate(int upstreamPort, String token) throws IOException {
    this(upstreamPort, Set.of(token));
  }

  /** Admits the tokens {@code tokens} holds when a request comes (it may grow meanwhile). */
  SessionTokenGate(int upstreamPort, Set<String> tokens) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamPort = upstreamPort;
    this.tokens = tokens;
    threads.submit(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Requests let through, with the token. */
  int passed() {
    return passed.get();
  }

  /** Requests refused for a missing or wrong token. */
  int refused() {
    return refused.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.submit(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      InputStream in = client.getInputStream();
      OutputStream toUpstream = upstream.getOutputStream();
      threads.submit(() -> pipe(upstream, client));
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String presented = header(head, "x-amz-security-token");
        if (presented == null
            || !tokens.contains(presented)
            || header(head, "transfer-encoding") != null) {
          refused.incrementAndGet();
          byte[] body =
              ("<Error><Code>"
                      + (presented == null ? "MissingSecurityHeader" : "InvalidToken")
                      + "</Code><Message>the session token did not reach the gate</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          OutputStream out = client.getOutputStream();
          out.write(
              ("HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
          return;
        }
        passed.incrementAndGet();
        toUpstream.write(head.getBytes(StandardCharsets.ISO_8859_1));
        String length = header(head, "content-length");
        long remaining = length == null ? 0 : Long.parseLong(length.trim());
        byte[] buffer = new byte[64 * 1024];
        while (remaining > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
          if (n < 0) {
            return;
          }
          toUpstream.write(buffer, 0, n);
          remaining -= n;
        }
        toUpstream.flush();
      }
    } catch (IOException e) {
      // The client or s3proxy closed the connection.
    }
  }

  /** Everything s3proxy answers goes back as it is. */
  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // closed
      }
    }
  }

  /** The request line and headers up to the blank line, or null at the end of the connection. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static Thread daemon(Runnable r) {
    Thread thread = new Thread(r, "s3-session-token-gate");
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}

package sif.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Polls an HTTP endpoint until its answer satisfies a condition, or fails after a deadline. */
final class HttpPoll {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpPoll() {
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first answer from {@code url} matching {@code condition}; AssertionError with the last answer on timeout. */
    static HttpResponse<String> await(String url, Predicate<HttpResponse<String>> condition, Duration timeout,
                                      String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            try {
                HttpResponse<String> response = get(url);
                if (condition.test(response)) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " at " + url
                        + "; last answer: " + last);
            }
            Thread.sleep(200);
        }
    }
}

package io.syncline.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: a longer body cancels the download and fails
 * with an {@link IOException} naming the limit, so a misbehaving server cannot make the client
 * buffer without bound. Called by the {@code HttpClient}, serially.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final long maxBytes;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  private LimitedBody(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A handler whose bodies fail beyond {@code maxBytes}. */
  static HttpResponse.BodyHandler<byte[]> handler(long maxBytes) {
    return info -> new LimitedBody(maxBytes);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if (out.size() + (long) b.remaining() > maxBytes) {
        subscription.cancel();
        result.completeExceptionally(new IOException("The response body is over the limit of "
            + maxBytes + " bytes."));
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}

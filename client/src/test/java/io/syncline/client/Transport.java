package io.syncline.client;

import io.syncline.client.testserver.HubServer;
import java.net.URI;

/** The two transports every end-to-end test runs over. */
enum Transport {
  WEBSOCKET,
  HTTP;

  URI uri(HubServer server) {
    return this == WEBSOCKET ? server.wsUri() : server.httpUri();
  }
}

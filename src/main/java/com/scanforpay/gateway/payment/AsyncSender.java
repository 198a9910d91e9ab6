package com.scanforpay.gateway.payment;

import java.util.concurrent.CompletableFuture;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Sends exchanges to one endpoint through Camel's asynchronous producer, created and started on first use (once the
 * context runs). A send returns at the first asynchronous step (e.g. a provider call in flight): no thread waits
 * for the exchange, and the returned future completes when it is done, exceptionally if it failed.
 */
public final class AsyncSender {

    private final CamelContext camelContext;
    private final String uri;
    private AsyncProducer producer;

    public AsyncSender(CamelContext camelContext, String uri) {
        this.camelContext = camelContext;
        this.uri = uri;
    }

    public CompletableFuture<Void> send(Exchange work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer().process(work, doneSync -> {
            if (work.getException() != null) {
                done.completeExceptionally(work.getException());
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    /** The started producer; throws if it cannot be created, before anything is sent. */
    public synchronized AsyncProducer producer() {
        if (producer == null) {
            try {
                AsyncProducer created = camelContext.getEndpoint(uri).createAsyncProducer();
                ServiceHelper.startService(created);
                producer = created;
            } catch (Exception e) {
                throw new IllegalStateException("cannot create producer for " + uri, e);
            }
        }
        return producer;
    }
}

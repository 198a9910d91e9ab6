package com.scanforpay.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;

/**
 * The API's responses carry their JSON already serialised: the media type (JSON or problem) never depends on which
 * writer JAX-RS would pick. One place for results, views and problems alike.
 */
final class JsonResponses {

    private JsonResponses() {
    }

    static Response of(ObjectMapper mapper, int status, String mediaType, Object entity) {
        try {
            return Response.status(status).type(mediaType).entity(mapper.writeValueAsBytes(entity)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + entity.getClass().getSimpleName(), e);
        }
    }
}

package io.grantwatch.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.db.EventRow;

/** An event as a CloudEvent 1.0 in structured JSON mode. Pure; thread-safe. */
final class CloudEventPayload {
    static final String CONTENT_TYPE = "application/cloudevents+json";

    private CloudEventPayload() {}

    static String of(EventRow event, String source) {
        ObjectNode cloudEvent = Json.MAPPER.createObjectNode();
        cloudEvent.put("specversion", "1.0");
        cloudEvent.put("id", String.valueOf(event.id()));
        cloudEvent.put("source", source);
        cloudEvent.put("type", event.type());
        cloudEvent.put("subject", String.valueOf(event.grantId()));
        cloudEvent.put("time", event.time().toString());
        cloudEvent.put("datacontenttype", "application/json");
        ObjectNode data = cloudEvent.putObject("data");
        data.setAll(data(event));
        if (event.cloudId() != null && !data.has("cloudId")) {
            data.put("cloudId", event.cloudId());
        }
        return Json.write(cloudEvent);
    }

    static ObjectNode data(EventRow event) {
        try {
            JsonNode data = Json.MAPPER.readTree(event.data());
            return data instanceof ObjectNode object ? object : Json.MAPPER.createObjectNode();
        } catch (JsonProcessingException e) {
            // Written by grantwatch itself as JSON; a damaged row still goes out, with its envelope.
            return Json.MAPPER.createObjectNode();
        }
    }
}

package io.grantwatch.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import io.grantwatch.Json;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;

/**
 * Decodes a text column that holds a JSON list into a {@code List<element>}, for the row mappers of
 * the DAOs. SQL NULL reads as the empty list. Registered on single statements rather than on the
 * {@code Jdbi}, so that the DAOs work on any handle they are given. Stateless, thread-safe.
 */
final class JsonList {
    private JsonList() {}

    static <T> ColumnMapperFactory of(Class<T> element) {
        JavaType type = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, element);
        ColumnMapper<List<T>> mapper = (rs, column, ctx) -> {
            String json = rs.getString(column);
            if (json == null) {
                return List.of();
            }
            try {
                return List.copyOf(Json.MAPPER.<List<T>>readValue(json, type));
            } catch (JsonProcessingException e) {
                throw new SQLException("column " + rs.getMetaData().getColumnLabel(column) + " holds malformed JSON", e);
            }
        };
        return ColumnMapperFactory.of(GenericTypes.parameterizeClass(List.class, element), mapper);
    }
}

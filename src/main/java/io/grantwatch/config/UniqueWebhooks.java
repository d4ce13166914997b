package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * No two webhook entries with the same url, format and filters: they would be one subscription.
 * Validated by {@code io.grantwatch.delivery.WebhookRules}, which knows what makes two entries the
 * same; registered as {@link ValidWebhook} says.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {})
public @interface UniqueWebhooks {
    String message() default "repeats an earlier webhook (same url, format and filters)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The retry delay doubles from {@code initialBackoff} up to {@code maxBackoff}: a cap below the start makes no sense. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = BackoffInOrder.Validator.class)
public @interface BackoffInOrder {
    String message() default "must be at least delivery.initialBackoff";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<BackoffInOrder, Config.Delivery> {
        @Override
        public boolean isValid(Config.Delivery delivery, ConstraintValidatorContext context) {
            if (delivery.maxBackoff().compareTo(delivery.initialBackoff()) >= 0) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("maxBackoff").addConstraintViolation();
            return false;
        }
    }
}

package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Base64;

/** The base64 of a 32-byte AES key; null is valid (not configured). */
@Target({ElementType.FIELD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = AesKey.Validator.class)
public @interface AesKey {
    String message() default "must be the base64 of 32 bytes";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<AesKey, String> {
        @Override
        public boolean isValid(String base64, ConstraintValidatorContext context) {
            String problem = problem(base64);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }

        /** Null when {@code base64} is a key; the answer never repeats the value, which is a secret. */
        static String problem(String base64) {
            if (base64 == null) {
                return null;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64.trim());
            } catch (IllegalArgumentException e) {
                return "is not valid base64";
            }
            return bytes.length == 32 ? null : "must be the base64 of 32 bytes, not " + bytes.length;
        }
    }
}

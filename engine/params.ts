// Param schemas shared by workers, with messages in the found-vs-expected form.
import { z } from "zod";

export const positiveInt = () =>
  z
    .int({ error: "expected a positive integer" })
    .positive({ error: "expected a positive integer" });

export const nonNegativeInt = () =>
  z.int({ error: "expected an integer ≥ 0" }).nonnegative({ error: "expected an integer ≥ 0" });

export const positiveNumber = () =>
  z
    .number({ error: "expected a positive number" })
    .positive({ error: "expected a positive number" });

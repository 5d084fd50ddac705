# Multi-stage build: a static binary (pure-Go SQLite, CGO off) on a minimal
# image, running as a non-root user with the data folder as a volume. The
# binary embeds tzdata, so Asia/Ho_Chi_Minh works without zoneinfo.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/reportbot ./cmd/reportbot
# The runtime image has no shell: make the writable folders here, owned by
# distroless's nonroot user (65532), so a fresh volume is writable too.
RUN mkdir -p /out/data /out/tmp && chown 65532:65532 /out/data /out/tmp && chmod 1777 /out/tmp

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reportbot /usr/local/bin/reportbot
COPY --from=build /out/data /data
COPY --from=build /out/tmp /tmp
COPY examples /examples
ENV REPORTBOT_DATA=/data
VOLUME ["/data"]
USER nonroot:nonroot
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/reportbot"]
CMD ["run", "--http", ":9090"]

# Installs libtokengate so that another CMake project finds it with
#   find_package(tokengate CONFIG REQUIRED)  →  target_link_libraries(app tokengate::client)
# and anything else with pkg-config (tokengate-client.pc). The library is static: a program links
# its dependencies too (OpenSSL, Boost.JSON and Boost.URL 1.81, zlib, libcurl), which the package
# finds for it.
include(CMakePackageConfigHelpers)

install(TARGETS tokengate_client EXPORT tokengateTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/tokengate DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT tokengateTargets NAMESPACE tokengate:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tokengate)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/tokengateConfig.cmake.in [=[
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
find_dependency(OpenSSL 3)
find_dependency(ZLIB)
find_dependency(CURL)
find_dependency(Threads)
find_dependency(Boost 1.81 CONFIG COMPONENTS json url)
include("${CMAKE_CURRENT_LIST_DIR}/tokengateTargets.cmake")
check_required_components(tokengate)
]=])
configure_package_config_file(${CMAKE_CURRENT_BINARY_DIR}/tokengateConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/tokengateConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tokengate)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tokengateConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tokengateConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/tokengateConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tokengate)

# Boost 1.81 is not Debian 12's default Boost: its libraries are named by full path.
get_target_property(TOKENGATE_BOOST_JSON_LOCATION Boost::json IMPORTED_LOCATION_RELEASE)
get_target_property(TOKENGATE_BOOST_URL_LOCATION Boost::url IMPORTED_LOCATION_RELEASE)
configure_file(${CMAKE_CURRENT_LIST_DIR}/tokengate-client.pc.in ${CMAKE_CURRENT_BINARY_DIR}/tokengate-client.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tokengate-client.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
